import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import { once } from "node:events";
import path from "node:path";
import { expect, test } from "@playwright/test";

/**
 * Parsing, profiling and saving a file of about 80 MB takes the server several seconds, long enough for the upload
 * area's 400 ms poll of GET /api/uploads/:id to show a "Parsing… N%" line before the dataset is made as always.
 * The shared e2e studio refuses files over 5 MB (to test that limit), so this test starts a second studio of its own
 * (the same build, another port and data directory) that accepts 200 MB.
 */
const PORT = Number(process.env.E2E_PORT ?? 3123) + 1;
const BASE = `http://127.0.0.1:${PORT}`;
const COLUMNS = 12;
const TARGET_BYTES = 80 * 1024 * 1024;

let studio: ChildProcess | null = null;

test.beforeAll(async () => {
  studio = spawn(process.execPath, ["scripts/start.mjs"], {
    env: { ...process.env, PORT: String(PORT), HOST: "127.0.0.1", STUDIO_DATA_DIR: `.tmp/e2e-upload-${Date.now()}`, STUDIO_WORKERS: "1", STUDIO_MAX_UPLOAD_MB: "200", DATABASE_URL: "" },
    stdio: "ignore",
    detached: true,
  });
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    if (await fetch(`${BASE}/api/system`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the second studio did not answer on ${BASE}`);
});

test.afterAll(async () => {
  if (studio?.pid) process.kill(-studio.pid, "SIGTERM");
});

test.use({ baseURL: BASE });

/** a well-formed CSV of about TARGET_BYTES (numbers, decimals and a few categories), written 1,000 rows at a time */
async function bigCsv(file: string): Promise<{ rows: number }> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  const header = Array.from({ length: COLUMNS }, (_, c) => `c${c}`).join(",") + "\n";
  out.write(header);
  let bytes = header.length;
  let rows = 0;
  while (bytes < TARGET_BYTES) {
    const lines: string[] = [];
    for (const r of Array.from({ length: 1000 }, (_, i) => rows + i)) {
      lines.push(Array.from({ length: COLUMNS }, (_, c) => (c % 3 === 0 ? String((r * 7 + c) % 1000) : c % 3 === 1 ? (((r * 13 + c) % 997) / 7).toFixed(3) : `cat${(r + c) % 20}`)).join(","));
    }
    const chunk = lines.join("\n") + "\n";
    if (!out.write(chunk)) await once(out, "drain");
    bytes += chunk.length;
    rows += 1000;
  }
  out.end();
  await once(out, "finish");
  return { rows };
}

test("a large upload shows its parsing progress, then opens as a dataset", async ({ page }, testInfo) => {
  const file = testInfo.outputPath("large.csv");
  const { rows } = await bigCsv(file);

  // every answer of the progress endpoint, and the id the upload itself sent
  const polled: { status: number; phase?: string }[] = [];
  page.on("response", async (res) => {
    if (!res.url().includes("/api/uploads/")) return;
    const body = (await res.json().catch(() => ({}))) as { phase?: string };
    polled.push({ status: res.status(), phase: body.phase });
  });
  const posted = page.waitForRequest((r) => r.url().endsWith("/api/datasets") && r.method() === "POST");
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/datasets") && r.request().method() === "POST", { timeout: 120_000 });

  await page.goto("/");
  // the line's text read in the page the moment it shows (checked every animation frame): it moves on within a second
  const parsingLine = page.waitForFunction(() => document.querySelector('[data-testid="upload-step"][data-phase="parsing"]')?.textContent, null, {
    polling: "raf",
    timeout: 120_000,
  });
  await page.getByTestId("upload-input").setInputFiles(file);

  const uploadId = (await posted).headers()["x-upload-id"];
  expect(uploadId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  const shown = await (await parsingLine).jsonValue();
  expect(shown).toMatch(/^Parsing… \d+% \([\d.]+ (B|KB|MB) of [\d.]+ MB\)$/);

  expect((await answered).status()).toBe(201);
  await expect(page.getByTestId("upload-done")).toContainText(`large.csv: ${rows.toLocaleString("en-US")} rows, ${COLUMNS} columns`);
  await expect(page.getByTestId("upload-progress")).toHaveCount(0);
  expect(polled.some((p) => p.status === 200 && p.phase === "parsing")).toBe(true);

  // the last state stays readable for a minute after the POST answered
  const last = await page.request.get(`/api/uploads/${uploadId}`);
  expect(last.status()).toBe(200);
  expect(await last.json()).toEqual({ id: uploadId, phase: "done", bytes: null, total: null });
  const unknown = await page.request.get("/api/uploads/no-such-upload-id");
  expect(unknown.status()).toBe(404);
  expect(((await unknown.json()) as { error: string }).error).toMatch(/No upload with this id/);

  await page.getByTestId("upload-done").getByRole("link").click();
  await page.waitForURL(/\/datasets\/[^/]+$/);
  await expect(page.getByTestId("dataset-name")).toHaveText("large.csv");
  await expect(page.getByTestId("dataset-rows")).toHaveText(rows.toLocaleString("en-US"));
  await expect(page.getByTestId("dataset-cols")).toHaveText(String(COLUMNS));
});
