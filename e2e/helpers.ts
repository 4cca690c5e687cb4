import fs from "node:fs/promises";
import path from "node:path";
import { expect, type APIRequestContext, type Download, type Page } from "@playwright/test";
import Papa from "papaparse";
import type { DatasetDto } from "../server/contracts/dataset";
import type { DatasetListDto } from "../server/contracts/dataset-api";
import type { RunDto } from "../server/contracts/run";

export { formatBytes, formatScore } from "../components/ui/format";

export const DATASETS = "/work/shared/datasets";
export const CREDIT_G = path.join(DATASETS, "credit-g.csv");

/**
 * Uploads a file through the home page's file picker; resolves with the HTTP status of the upload request and,
 * on success, the new dataset's id (read from the page's "Open it" link: Chromium does not keep the response body
 * of an XHR with a large request body in the inspector cache, so the response itself cannot be read reliably).
 */
export async function uploadThroughUi(page: Page, file: string): Promise<{ status: number; id: string | null }> {
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/datasets") && r.request().method() === "POST", { timeout: 60_000 });
  await page.getByTestId("upload-input").setInputFiles(file);
  const status = (await answer).status();
  if (status !== 201) return { status, id: null };
  const href = await page.getByTestId("upload-done").getByRole("link").getAttribute("href");
  return { status, id: /\/datasets\/([^/?#]+)$/.exec(href ?? "")?.[1] ?? null };
}

/** Uploads raw bytes to the API the way the browser does (components/queries/upload-dataset.ts). */
export function uploadThroughApi(request: APIRequestContext, name: string, data: Buffer | string) {
  return request.post("/api/datasets", {
    data: typeof data === "string" ? Buffer.from(data) : data,
    headers: { "x-file-name": encodeURIComponent(name), "Content-Type": "text/csv" },
    failOnStatusCode: false,
  });
}

/** Uploads a CSV and starts a run on it through the API (the run's other settings as the create-run body takes them). */
export async function startRunThroughApi(request: APIRequestContext, name: string, data: Buffer | string, run: Record<string, unknown>): Promise<RunDto> {
  const upload = await uploadThroughApi(request, name, data);
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as DatasetDto;
  const created = await request.post("/api/runs", { data: { ...run, datasetId: dataset.id } });
  expect(created.status()).toBe(201);
  return (await created.json()) as RunDto;
}

/** Fills the dataset page's new-run form with the settings the e2e runs share, and a label, trials and seed. */
export async function fillRunForm(page: Page, form: { label: string; maxTrials: number; seed: number; families: string[] }) {
  await page.getByTestId("label-select").selectOption(form.label);
  await page.getByTestId("max-trials").fill(String(form.maxTrials));
  await page.getByTestId("budget-minutes").fill("5");
  await page.getByTestId("seed").fill(String(form.seed));
  await page.getByTestId("family-select").selectOption(form.families);
  await page.getByTestId("validation-select").selectOption("holdout");
}

export async function listDatasets(request: APIRequestContext): Promise<DatasetListDto> {
  const res = await request.get("/api/datasets");
  expect(res.status()).toBe(200);
  return (await res.json()) as DatasetListDto;
}

export async function readDownload(download: Download): Promise<Buffer> {
  const file = await download.path();
  return fs.readFile(file);
}

export function parseCsv(text: string): { header: string[]; rows: string[][] } {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  const [header, ...rows] = parsed.data;
  return { header, rows };
}

/** the data-dir-size text ("data directory: 1.2 MB") in bytes, as precise as the text is */
export function parseDisplayedBytes(text: string): number {
  const m = /([\d.]+)\s*(B|KB|MB|GB|TB)\b/.exec(text);
  if (!m) throw new Error(`no size in "${text}"`);
  const scale = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 }[m[2] as "B"];
  return Number(m[1]) * scale;
}

export async function writeTemp(dir: string, name: string, data: string | Buffer): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await fs.writeFile(file, data);
  return file;
}

/** The new-run form's choices; what is left out keeps the form's default. An empty budget or trial count clears the field. */
export interface RunForm {
  label: string;
  maxTrials: string;
  budgetMinutes: string;
  seed?: string;
  family?: string;
  estimation?: string;
  validation?: string;
}

/** Opens the dataset's page, fills the new-run form and starts the run; returns once the run's page is open. */
export async function startRunFromForm(page: Page, datasetId: string, form: RunForm): Promise<void> {
  await page.goto(`/datasets/${datasetId}`);
  await page.getByTestId("label-select").selectOption(form.label);
  await page.getByTestId("budget-minutes").fill(form.budgetMinutes);
  await page.getByTestId("max-trials").fill(form.maxTrials);
  if (form.seed !== undefined) await page.getByTestId("seed").fill(form.seed);
  if (form.family !== undefined) await page.getByTestId("family-select").selectOption(form.family);
  if (form.estimation !== undefined) await page.getByTestId("estimation-select").selectOption(form.estimation);
  if (form.validation !== undefined) await page.getByTestId("validation-select").selectOption(form.validation);
  await page.getByTestId("start-run").click();
  await page.waitForURL(/\/runs\/[\w-]+$/);
}
