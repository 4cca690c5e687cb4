import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { DATASETS, listDatasets, uploadThroughApi, uploadThroughUi, writeTemp } from "./helpers";

/**
 * Bad input never crashes the studio: each bad file gets a clear message in the UI (role=alert) and a 4xx
 * `{ error }` from the API, and a good dataset uploaded first stays listed and usable throughout.
 * The studio runs with STUDIO_MAX_UPLOAD_MB=5 (playwright.config.ts).
 */
test.describe.configure({ mode: "serial" });

const CARS = path.join(DATASETS, "cars.csv"); // 406 x 9, semicolon-delimited, 8 labels and 6 horsepowers missing

/** an upload the studio must refuse: the file, and what its message must say */
interface BadFile {
  name: string;
  file: string;
  bytes: () => Buffer;
  message: RegExp;
  status: number;
}

function badFiles(): BadFile[] {
  const header = "a,b,c\n";
  // ~6 MB of well-formed CSV: only the size is wrong
  const bigLine = "1234567890,abcdefghij,0.5\n";
  const big = Buffer.from(header + bigLine.repeat(Math.ceil((6 * 1024 * 1024) / bigLine.length)));
  // random bytes with NULs in the first kilobyte, like a zip or an image
  const binary = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), randomBytes(4096)]);
  return [
    { name: "empty file", file: "empty.csv", bytes: () => Buffer.alloc(0), message: /The file is empty/, status: 400 },
    { name: "binary file", file: "binary.csv", bytes: () => binary, message: /not a text CSV \(it contains binary data\)/, status: 400 },
    {
      name: "ragged rows",
      file: "ragged.csv",
      bytes: () => Buffer.from("a,b,c\n1,2,3\n4,5\n6,7,8\n"),
      message: /Line 3 has 2 fields but the header has 3/,
      status: 400,
    },
    {
      name: "one column",
      file: "one-column.csv",
      bytes: () => Buffer.from("value\n1\n2\n3\n"),
      message: /only one column \("value"\); it needs at least two columns/,
      status: 400,
    },
    {
      name: "duplicate column names",
      file: "duplicates.csv",
      bytes: () => Buffer.from("id,price,price,color\n1,2,3,red\n2,3,4,blue\n"),
      message: /Column names must be unique; these appear more than once: price/,
      status: 400,
    },
    { name: "file over the 5 MB limit", file: "big.csv", bytes: () => big, message: /larger than the limit of 5 MB/, status: 413 },
  ];
}

/** features x, y and a label column: the same class in every row, or missing in every row */
const labelCsv = (label: (i: number) => string) =>
  ["x,y,label", ...Array.from({ length: 40 }, (_, i) => `${i},${(i * 7) % 13},${label(i)}`)].join("\n") + "\n";

test.describe("bad input", () => {
  let page: Page;
  let goodId = "";
  let dir = "";

  const expectApiError = async (res: APIResponse, status: number, message: RegExp) => {
    expect(res.status()).toBe(status);
    expect(res.headers()["content-type"]).toContain("application/json");
    const body = (await res.json()) as { error?: unknown };
    expect(Object.keys(body)).toEqual(["error"]);
    expect(body.error).toMatch(message);
  };

  test.beforeAll(async ({ browser }, testInfo) => {
    page = await browser.newPage();
    dir = testInfo.outputPath("files");
    await fs.mkdir(dir, { recursive: true });
  });

  test.afterAll(async () => {
    await page?.close();
  });

  test("a good dataset first: cars.csv (semicolons, missing values)", async () => {
    await page.goto("/");
    const { status, id } = await uploadThroughUi(page, CARS);
    expect(status).toBe(201);
    goodId = id!;
    await expect(page.getByTestId("upload-done")).toContainText("cars.csv: 406 rows, 9 columns");
    await expect(page.locator(`[data-testid="dataset-row"][data-dataset-id="${goodId}"]`)).toBeVisible();
    await page.goto(`/datasets/${goodId}`);
    await expect(page.getByTestId("dataset-rows")).toHaveText("406");
    await expect(page.getByTestId("dataset-cols")).toHaveText("9");
    const missing = (name: string) => page.locator(`[data-testid="column-row"][data-column="${name}"] td`).nth(2);
    await expect(missing("Miles_per_Gallon")).toHaveText("8 (2%)");
    await expect(missing("Horsepower")).toHaveText("6 (1%)");
    await expect(missing("Cylinders")).toHaveText("0");
  });

  for (const bad of badFiles()) {
    test(`refuses: ${bad.name}`, async ({ request }) => {
      const before = await listDatasets(request);
      const bytes = bad.bytes();
      const file = await writeTemp(dir, bad.file, bytes);

      // the UI: the file picker, then a clear message, and no new dataset
      await page.goto("/");
      const { status } = await uploadThroughUi(page, file);
      expect(status).toBe(bad.status);
      // (the page has a second role=alert, Next's empty route announcer)
      const alert = page.getByTestId("error");
      await expect(alert).toHaveAttribute("role", "alert");
      await expect(alert).toContainText(bad.message);
      await expect(page.getByTestId("upload-done")).toHaveCount(0);
      await expect(page.getByTestId("upload-progress")).toHaveCount(0);
      await expect(page.getByTestId("dataset-row")).toHaveCount(before.datasets.length);

      // the API, sent the way the browser sends it
      await expectApiError(await uploadThroughApi(request, bad.file, bytes), bad.status, bad.message);

      const after = await listDatasets(request);
      expect(after.datasets.map((d) => d.id)).toEqual(before.datasets.map((d) => d.id));
      expect(after.datasets.map((d) => d.id)).toContain(goodId);
    });
  }

  test("refuses an over-limit upload that declares no length (chunked), and keeps no partial file", async ({ request, baseURL }) => {
    const before = await listDatasets(request);
    const chunk = Buffer.from("1234567890,abcdefghij,0.5\n".repeat(4096)); // ~104 KB
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${baseURL}/api/datasets`, {
        method: "POST",
        headers: { "x-file-name": "chunked.csv", "Content-Type": "text/csv", "Transfer-Encoding": "chunked" },
      });
      req.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on("error", reject);
      req.write("a,b,c\n");
      let sent = 0;
      const pump = () => {
        // ~7 MB in all, unless the server has answered (and stopped reading) already
        while (sent < 70 && !req.destroyed) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect(JSON.parse(body).error).toMatch(/larger than the limit of 5 MB/);
    const after = await listDatasets(request);
    expect(after.datasets.map((d) => d.id)).toEqual(before.datasets.map((d) => d.id));
    expect(after.dataDirBytes).toBeLessThan(before.dataDirBytes + 1024 * 1024);
  });

  const badLabels = [
    { name: "a label with a single class", file: "one-class.csv", csv: labelCsv(() => "yes"), message: /The label column label has only one class \("yes"\); classification needs at least two/ },
    { name: "a label that is all missing", file: "no-label.csv", csv: labelCsv(() => ""), message: /The label column label has no values: every row is missing it/ },
  ];
  for (const bad of badLabels) {
    test(`uploads, but refuses to start a run on ${bad.name}`, async ({ request }) => {
      const file = await writeTemp(dir, bad.file, bad.csv);
      await page.goto("/");
      const { status, id } = await uploadThroughUi(page, file);
      expect(status).toBe(201);
      await expect(page.getByTestId("upload-done")).toContainText(`${bad.file}: 40 rows, 3 columns`);

      await page.goto(`/datasets/${id}`);
      await page.getByTestId("label-select").selectOption("label");
      await page.getByTestId("max-trials").fill("2");
      await page.getByTestId("start-run").click();
      // (the page has a second role=alert, Next's empty route announcer)
      const alert = page.getByTestId("error");
      await expect(alert).toHaveAttribute("role", "alert");
      await expect(alert).toContainText(bad.message);
      expect(page.url()).toMatch(new RegExp(`/datasets/${id}$`));
      await expect(page.getByTestId("run-row")).toHaveCount(0);

      const res = await request.post("/api/runs", { data: { datasetId: id, label: "label", maxTrials: 2 }, failOnStatusCode: false });
      await expectApiError(res, 400, bad.message);
      const runs = await (await request.get(`/api/runs?datasetId=${id}`)).json();
      expect(runs.runs).toEqual([]);
    });
  }

  test("nothing crashed: the good dataset is still listed and its page opens", async ({ request }) => {
    expect((await request.get("/api/system")).status()).toBe(200);
    const list = await listDatasets(request);
    expect(list.datasets.map((d) => d.id)).toContain(goodId);
    await page.goto("/");
    const row = page.locator(`[data-testid="dataset-row"][data-dataset-id="${goodId}"]`);
    await expect(row).toBeVisible();
    await row.getByTestId("dataset-link").click();
    await page.waitForURL(`**/datasets/${goodId}`);
    await expect(page.getByTestId("dataset-name")).toHaveText("cars.csv");
    await expect(page.getByTestId("dataset-rows")).toHaveText("406");
    await expect(page.getByTestId("column-row")).toHaveCount(9);
    await expect(page.getByTestId("label-select")).toBeEnabled();
  });
});
