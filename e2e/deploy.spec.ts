import fs from "node:fs/promises";
import { expect, test } from "@playwright/test";
import type { ModelInfoDto, PredictRowsDto, RowValue } from "../server/contracts/deployment";
import { CREDIT_G, parseCsv, startRunThroughApi } from "./helpers";

/**
 * Real-time predictions in the real studio: a small credit-g run (boosted trees and a linear model on a holdout split,
 * then the search's two ensembles), its best candidate deployed from the run page, the curl example shown, the endpoint
 * called over HTTP (predictions, probabilities that sum to 1, the same answers as the CSV prediction), a bad row refused
 * with a 400 that names its column, and a 404 once undeployed.
 */
test("deploy the best candidate, call its endpoint, undeploy it", async ({ page, request }) => {
  const run = await startRunThroughApi(request, "credit-g-deploy.csv", await fs.readFile(CREDIT_G), { label: "class", maxTrials: 2, seed: 0, families: ["gbdt", "linear"], validation: "holdout" });

  // the run page selects the best candidate; once it has finished it can be deployed
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 240_000 });
  await page.getByTestId("deploy-candidate").click();
  const endpoint = page.getByTestId("deploy-endpoint");
  await expect(endpoint).toHaveText(/^http:\/\/127\.0\.0\.1:\d+\/api\/models\/[0-9a-f]{12}\/predict$/);
  const url = new URL((await endpoint.textContent())!);
  const modelId = url.pathname.split("/")[3];
  const curl = page.getByTestId("deploy-curl");
  await expect(curl).toContainText(`curl -X POST '${url.href}'`);
  await expect(curl).toContainText(`"checking_status":`);
  await expect(curl).not.toContainText(`"class":`);

  // "try it" sends the example row from the page
  await page.getByTestId("deploy-try").click();
  await expect(page.getByTestId("deploy-try-result")).toHaveText(/^Prediction: (good|bad) · bad 0\.\d{3}, good 0\.\d{3}/);

  // the curl example's row, as the model describes it
  const info = (await (await request.get(`/api/models/${modelId}`)).json()) as ModelInfoDto;
  expect(info).toMatchObject({ id: modelId, label: "class", classes: ["bad", "good"], endpoint: url.pathname });
  const sent = JSON.parse(/-d '(.+)'$/s.exec((await curl.textContent())!)![1]) as { rows: Record<string, RowValue>[] };
  expect(sent.rows).toEqual([info.exampleRow]);

  // credit-g rows, called from here: one prediction per row, probabilities that sum to 1, as the CSV path predicts them
  const { header, rows } = parseCsv(await fs.readFile(CREDIT_G, "utf8"));
  const label = header.indexOf("class");
  const features = header.filter((_, i) => i !== label);
  const csvRows = rows.slice(0, 20).map((r) => r.filter((_, i) => i !== label));
  const jsonRows = csvRows.map((r) => Object.fromEntries(features.map((h, i) => [h, /^-?\d+(\.\d+)?$/.test(r[i]) ? Number(r[i]) : r[i]])));
  const res = await request.post(url.pathname, { data: { rows: jsonRows } });
  expect(res.status()).toBe(200);
  const out = (await res.json()) as PredictRowsDto;
  expect(out).toMatchObject({ model: modelId, problemType: "binary", warnings: [] });
  expect(out.predictions).toHaveLength(20);
  for (const p of out.predictions) {
    expect(["bad", "good"]).toContain(p.prediction);
    expect(p.probabilities!.bad + p.probabilities!.good).toBeCloseTo(1, 5);
  }
  const csv = await request.post(`/api/runs/${run.id}/predict?candidate=${info.trialId}`, {
    data: Buffer.from([features.join(","), ...csvRows.map((r) => r.map((c) => (/[",]/.test(c) ? `"${c}"` : c)).join(","))].join("\n") + "\n"),
    headers: { "Content-Type": "text/csv" },
  });
  expect(csv.status()).toBe(200);
  const fromCsv = parseCsv(await csv.text()).rows;
  expect(out.predictions.map((p) => [p.prediction, String(p.probabilities!.bad), String(p.probabilities!.good)])).toEqual(fromCsv);

  // warm latency over HTTP on this machine (reported, loosely bounded)
  const p50 = async (n: number) => {
    const body = { rows: jsonRows.concat(...Array(5).fill(jsonRows)).slice(0, n) };
    const ms: number[] = [];
    for (let i = 0; i < 25; i++) {
      const t0 = performance.now();
      expect((await request.post(url.pathname, { data: body })).status()).toBe(200);
      ms.push(performance.now() - t0);
    }
    return ms.sort((a, b) => a - b)[12];
  };
  const [one, hundred] = [await p50(1), await p50(100)];
  console.log(`[deploy e2e] HTTP round trip p50 (${info.family} #${info.trialNumber}): 1 row ${one.toFixed(1)} ms, 100 rows ${hundred.toFixed(1)} ms`);
  expect(one).toBeLessThan(250);

  // a bad row: a 400 that names the column
  const withoutDuration = Object.fromEntries(Object.entries(jsonRows[0]).filter(([k]) => k !== "duration"));
  const bad = await request.post(url.pathname, { data: { rows: [jsonRows[1], withoutDuration] } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toMatch(/column "duration"/);
  const unknown = await request.post(url.pathname, { data: { rows: [{ ...jsonRows[0], colour: "red" }] } });
  expect(unknown.status()).toBe(400);
  expect(((await unknown.json()) as { error: string }).error).toMatch(/Unexpected columns: colour/);

  // undeploy from the page: the endpoint answers 404 from then on
  await page.getByTestId("undeploy-candidate").click();
  await expect(page.getByTestId("deploy-candidate")).toBeVisible();
  await expect(page.getByTestId("deploy-endpoint")).toHaveCount(0);
  const gone = await request.post(url.pathname, { data: { rows: jsonRows.slice(0, 1) } });
  expect(gone.status()).toBe(404);
  expect(((await gone.json()) as { error: string }).error).toMatch(/No model is deployed as/);
  expect((await request.get(`/api/models/${modelId}`)).status()).toBe(404);

  // leave the shared studio as it was (studio.spec.ts checks the data directory's size and the runs of its dataset)
  expect((await request.delete(`/api/datasets/${run.datasetId}`)).status()).toBe(204);
});
