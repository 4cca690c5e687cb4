import fs from "node:fs/promises";
import path from "node:path";
import Papa from "papaparse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PREDICT_ROWS, ModelInfoDto, PredictRowsDto, type RowValue } from "../contracts/deployment";
import type { TrialRow } from "../db/store";
import { parseNumber } from "../data/values";
import { deleteRun } from "./delete-run";
import { deployCandidate } from "./deploy-candidate";
import { describeError } from "./errors";
import { getModel } from "./get-model";
import { getTrialDeployment } from "./get-trial-deployment";
import { listDeployments } from "./list-deployments";
import { predict } from "./predict";
import { predictRows } from "./predict-rows";
import { PredictorCache } from "./predictor-cache";
import { bodyOf, statusOf, tempContext, trainRun } from "./test-context";
import { undeployCandidate } from "./undeploy-candidate";

/**
 * Deployments and real-time predictions against a real studio (SQLite, files) and a real run: credit-g (1000 rows,
 * label `class`), a boosted-trees and a linear candidate on a holdout split, and the two ensembles the search ends with.
 */
const CREDIT = path.resolve(__dirname, "../../../shared/datasets/credit-g.csv");

let ctx: Awaited<ReturnType<typeof tempContext>>;
let runId = "";
let single: TrialRow;
let ensemble: TrialRow;
/** credit-g's rows without the label: as CSV cells, and as JSON rows (numbers as JSON numbers) */
let header: string[] = [];
let cells: string[][] = [];

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ status: 0, message: "" }),
    (e: unknown) => describeError(e),
  );

/** a CSV line's cells as a JSON row: numbers as numbers, the rest as strings */
const jsonRow = (values: string[]): Record<string, RowValue> => Object.fromEntries(header.map((h, i) => [h, parseNumber(values[i]) ?? values[i]]));
const csvOf = (rows: string[][]) => Papa.unparse([header, ...rows]) + "\n";

beforeAll(async () => {
  ctx = await tempContext();
  runId = await trainRun(ctx, await fs.readFile(CREDIT), "credit-g.csv", { label: "class", maxTrials: 2, seed: 0, families: ["gbdt", "linear"], validation: "holdout" });
  const trials = await ctx.store.listTrials(runId);
  single = trials.find((t) => t.family === "gbdt" && t.status === "done")!;
  ensemble = trials.find((t) => t.family === "ensemble" && t.status === "done")!;
  expect(single && ensemble).toBeTruthy();

  const parsed = Papa.parse<string[]>((await fs.readFile(CREDIT, "utf8")).trim()).data;
  const label = parsed[0].indexOf("class");
  header = parsed[0].filter((_, i) => i !== label);
  cells = parsed.slice(1).map((r) => r.filter((_, i) => i !== label));
}, 300_000);

afterAll(async () => ctx?.dispose());

describe("deploying a candidate", () => {
  it("deploys a finished candidate once, lists it, and refuses what can't be deployed", async () => {
    const cache = new PredictorCache(4);
    const first = await deployCandidate(ctx, single.id, cache);
    expect(first.created).toBe(true);
    expect(first.deployment).toMatchObject({ trialId: single.id, runId, trialNumber: single.number, family: "gbdt", endpoint: `/api/models/${first.deployment.id}/predict` });
    // loaded at once: the first request is as fast as the next
    expect(cache.has(first.deployment.id)).toBe(true);
    const again = await deployCandidate(ctx, single.id, cache);
    expect(again).toEqual({ deployment: first.deployment, created: false });
    expect(await getTrialDeployment(ctx, single.id)).toEqual({ deployment: first.deployment });
    expect((await listDeployments(ctx, runId)).deployments).toEqual([first.deployment]);

    const unfinished = await ctx.store.createTrial({ id: "queued-one", runId, number: 99, family: "gbdt", params: {}, spaceVersion: "1" });
    expect(await failure(deployCandidate(ctx, unfinished.id, cache))).toEqual({ status: 409, message: "Candidate #99 is queued; only finished candidates can be deployed." });
    await ctx.store.deleteTrial(unfinished.id);
    expect(await statusOf(deployCandidate(ctx, "nope", cache))).toBe(404);
    expect(await statusOf(listDeployments(ctx, "nope"))).toBe(404);
    expect(await statusOf(getTrialDeployment(ctx, "nope"))).toBe(404);

    await undeployCandidate(ctx, single.id, cache);
    await undeployCandidate(ctx, single.id, cache); // not deployed: nothing to do
    expect(await getTrialDeployment(ctx, single.id)).toEqual({ deployment: null });
    expect(cache.size).toBe(0);
    expect(await statusOf(undeployCandidate(ctx, "nope", cache))).toBe(404);
  });
});

describe("real-time predictions", () => {
  for (const which of ["single", "ensemble"] as const) {
    it(`predicts JSON rows exactly as the CSV path predicts the same rows (${which})`, async () => {
      const trial = which === "single" ? single : ensemble;
      const cache = new PredictorCache(4);
      const { deployment } = await deployCandidate(ctx, trial.id, cache);
      const some = cells.slice(0, 60);
      const out = PredictRowsDto.parse(await predictRows(ctx, deployment.id, { rows: some.map(jsonRow) }, cache));
      const csv = await predict(ctx, { runId, candidate: trial.id, body: bodyOf(csvOf(some)) });
      const [csvHeader, ...csvRows] = Papa.parse<string[]>(csv.csv.trim()).data;
      expect(csvHeader).toEqual(["prediction", "proba_bad", "proba_good"]);
      expect(out).toMatchObject({ model: deployment.id, trialId: trial.id, problemType: "binary", warnings: [] });
      expect(out.predictions.map((p) => [p.prediction, String(p.probabilities!.bad), String(p.probabilities!.good)])).toEqual(csvRows);
      for (const p of out.predictions) expect(p.probabilities!.bad + p.probabilities!.good).toBeCloseTo(1, 5);
      await undeployCandidate(ctx, trial.id, cache);
    });
  }

  it("returns the CSV path's warnings for values it works around, and 400s that name the column for rows it can't read", async () => {
    const cache = new PredictorCache(4);
    const { deployment } = await deployCandidate(ctx, single.id, cache);
    const id = deployment.id;
    const row = jsonRow(cells[0]);
    const messy: Record<string, RowValue>[] = [{ ...row, duration: "soon", purpose: "spaceship" }, { ...row, credit_amount: null }, { ...row, age: true }];
    const out = await predictRows(ctx, id, { rows: messy }, cache);
    const csv = await predict(ctx, {
      runId,
      candidate: single.id,
      body: bodyOf(csvOf(messy.map((r) => header.map((h) => (r[h] === null ? "" : String(r[h])))))),
    });
    expect(out.predictions).toHaveLength(3);
    expect(out.warnings).toEqual(csv.warnings);
    expect(out.warnings.map((w) => `${w.column}:${w.kind}`).sort()).toEqual(["age:not_numeric", "duration:not_numeric", "purpose:unseen_categories"]);

    const without = (r: Record<string, RowValue>, key: string) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== key));
    const bad = (body: unknown) => failure(predictRows(ctx, id, body, cache));
    const advice = `Each row must have the columns the model was trained on (GET /api/models/${id} lists them).`;
    expect(await bad({ rows: [without(row, "duration")] })).toEqual({ status: 400, message: `Missing columns: duration. ${advice}` });
    expect(await bad({ rows: [row, without(row, "age")] })).toEqual({
      status: 400,
      message: 'Row 2 has no value for column "age": every row needs every column the model uses (send null for a missing value).',
    });
    expect(await bad({ rows: [{ ...row, colour: "red" }] })).toEqual({ status: 400, message: `Unexpected columns: colour. ${advice}` });
    expect((await bad({ rows: [{ ...row, purpose: { a: 1 } }] })).message).toMatch(/^Row 1, column "purpose": an object can't be read as a value/);
    expect(await bad({ rows: [] })).toEqual({ status: 400, message: "Send at least one row." });
    expect((await bad({})).status).toBe(400);
    expect((await bad({ rows: "x" })).message).toMatch(/^Send \{"rows": \[\.\.\.\]\}/);
    expect((await bad({ rows: Array(MAX_PREDICT_ROWS + 1).fill(row) })).message).toMatch(/^Send at most 10000 rows per request/);
    // the label is ignored
    expect((await predictRows(ctx, id, { rows: [{ ...row, class: "good" }] }, cache)).predictions).toHaveLength(1);
    await undeployCandidate(ctx, single.id, cache);
  });

  it("describes what to send, with an example row that predicts without warnings", async () => {
    const cache = new PredictorCache(4);
    const { deployment } = await deployCandidate(ctx, ensemble.id, cache);
    cache.clear(); // a cold model loads on the first request
    const info = ModelInfoDto.parse(await getModel(ctx, deployment.id, cache));
    expect(info).toMatchObject({ id: deployment.id, trialId: ensemble.id, family: "ensemble", label: "class", problemType: "binary", metric: "auc", classes: ["bad", "good"] });
    expect(info.inputs.map((i) => i.name)).toEqual(header);
    expect(info.ignored).toContain("class");
    expect(info.inputs.find((i) => i.name === "duration")).toMatchObject({ kind: "numeric", values: null, example: expect.any(Number) });
    expect(info.inputs.find((i) => i.name === "purpose")).toMatchObject({ kind: "categorical", values: expect.arrayContaining(["radio/tv", "new car"]) });
    expect(Object.keys(info.exampleRow)).toEqual(header);
    const out = await predictRows(ctx, deployment.id, { rows: [info.exampleRow] }, cache);
    expect(out.warnings).toEqual([]);
    expect(["bad", "good"]).toContain(out.predictions[0].prediction);
    // deploying loaded it, getModel loaded it again after the clear, the prediction found it warm
    expect(cache.loads).toBe(2);
    await undeployCandidate(ctx, ensemble.id, cache);
  });

  it("answers warm requests from memory within milliseconds (p50 for 1 and 100 rows, printed)", async () => {
    const cache = new PredictorCache(4);
    const report: string[] = [];
    for (const trial of [single, ensemble]) {
      const { deployment } = await deployCandidate(ctx, trial.id, cache);
      const loads = cache.loads;
      for (const n of [1, 100]) {
        const body = { rows: cells.slice(0, n).map(jsonRow) };
        for (let i = 0; i < 10; i++) await predictRows(ctx, deployment.id, body, cache);
        const ms: number[] = [];
        for (let i = 0; i < 100; i++) {
          const t0 = performance.now();
          await predictRows(ctx, deployment.id, body, cache);
          ms.push(performance.now() - t0);
        }
        ms.sort((a, b) => a - b);
        const p50 = ms[50];
        report.push(`${trial.family} #${trial.number}, ${n} row${n === 1 ? "" : "s"}: p50 ${p50.toFixed(2)} ms, p90 ${ms[90].toFixed(2)} ms`);
        // generous bounds: a busy test machine, not the measurement
        expect(p50).toBeLessThan(n === 1 ? 50 : 200);
      }
      // warm requests load nothing
      expect(cache.loads).toBe(loads);
      await undeployCandidate(ctx, trial.id, cache);
    }
    console.log(`[predict-rows latency, credit-g, use case incl. the database read]\n  ${report.join("\n  ")}`);
  });

  it("answers 404 once undeployed or once its run is gone, and lets the predictor go", async () => {
    const cache = new PredictorCache(4);
    const { deployment } = await deployCandidate(ctx, single.id, cache);
    const rows = [jsonRow(cells[0])];
    await predictRows(ctx, deployment.id, { rows }, cache);
    await undeployCandidate(ctx, single.id, cache);
    expect(await failure(predictRows(ctx, deployment.id, { rows }, cache))).toEqual({
      status: 404,
      message: `No model is deployed as "${deployment.id}": it was never deployed, or it was undeployed.`,
    });
    expect(await statusOf(getModel(ctx, deployment.id, cache))).toBe(404);

    // a deployment deleted with its run (by cascade): the next request finds it gone and evicts its predictor
    const again = await deployCandidate(ctx, single.id, cache);
    expect(cache.has(again.deployment.id)).toBe(true);
    await deleteRun(ctx, runId);
    expect(await statusOf(predictRows(ctx, again.deployment.id, { rows }, cache))).toBe(404);
    expect(cache.size).toBe(0);
  });
});
