import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CompareDto } from "../contracts/compare";
import type { TrialRow } from "../db/store";
import { stringAt } from "../data/column-values";
import { loadTable } from "../data/table-store";
import { loadPredictor } from "../export/archive-predictor";
import { Split } from "../jobs/run-data";
import { Coordinator } from "../jobs/coordinator";
import { Worker } from "../jobs/worker";
import { initBackend } from "../models/backend";
import { keys } from "../storage/keys";
import { compareCandidates, sideBySide } from "./compare-candidates";
import { createRun } from "./create-run";
import { describeError } from "./errors";
import { getTrialArchitecture } from "./get-trial-architecture";
import { bodyOf, tempContext, trainRun } from "./test-context";
import { uploadDataset } from "./upload-dataset";

/**
 * Comparisons of real candidates: two runs on credit-g (1000 rows, label `class`): boosted trees and linear models on a
 * holdout split (then the two ensembles), and two linear models under 5-fold cross-validation.
 */
const CREDIT = path.resolve(__dirname, "../../../shared/datasets/credit-g.csv");

let ctx: Awaited<ReturnType<typeof tempContext>>;
let holdoutRun = "";
let cvRun = "";
let holdout: TrialRow[] = [];
let cv: TrialRow[] = [];

const failure = (p: Promise<unknown>) =>
  p.then(
    () => ({ status: 0, message: "" }),
    (e: unknown) => describeError(e),
  );

beforeAll(async () => {
  ctx = await tempContext();
  const csv = await fs.readFile(CREDIT);
  holdoutRun = await trainRun(ctx, csv, "credit-g.csv", { label: "class", maxTrials: 3, seed: 0, families: ["gbdt", "linear"], validation: "holdout" });
  cvRun = await trainOn((await ctx.store.getRun(holdoutRun))!.datasetId, { label: "class", maxTrials: 2, seed: 1, families: ["linear"], validation: "cv" });
  holdout = (await ctx.store.listTrials(holdoutRun)).filter((t) => t.status === "done");
  cv = (await ctx.store.listTrials(cvRun)).filter((t) => t.status === "done" && t.family === "linear");
  expect(holdout.length).toBeGreaterThanOrEqual(4);
  expect(cv).toHaveLength(2);
}, 600_000);

afterAll(async () => ctx?.dispose());

/** trains a second run on a dataset already uploaded, as trainRun does (one in-process worker) */
async function trainOn(datasetId: string, input: Omit<Parameters<typeof createRun>[1], "datasetId">): Promise<string> {
  const run = await createRun(ctx, { ...input, datasetId });
  const coordinator = new Coordinator(ctx);
  const worker = new Worker(ctx, "test-1", await initBackend());
  for (let step = 0; step < 400; step++) {
    await coordinator.tick();
    if ((await ctx.store.getRun(run.id))?.status === "completed") return run.id;
    await worker.runOne();
  }
  throw new Error("the second run did not finish in 400 steps");
}

describe("sideBySide", () => {
  it("differs where a known value (or its absence) is not the others'; an unknown record takes no part", () => {
    expect(sideBySide([{ a: 1, b: "x", c: true }, { a: 1, b: "y" }, null])).toEqual([
      { name: "a", values: [1, 1, null], differs: false },
      { name: "b", values: ["x", "y", null], differs: true },
      { name: "c", values: [true, null, null], differs: true },
    ]);
  });
});

describe("comparing candidates of one run", () => {
  it("marks exactly the hyperparameters that differ and counts the rows whose predictions differ", async () => {
    const chosen = [holdout.find((t) => t.family === "gbdt")!, holdout.find((t) => t.family === "linear")!, holdout.find((t) => t.family === "ensemble")!];
    const dto = CompareDto.parse(await compareCandidates(ctx, { trials: chosen.map((t) => t.id).join(",") }));
    expect(dto.candidates.map((c) => c.trial.id)).toEqual(chosen.map((t) => t.id));
    expect(dto.candidates.map((c) => c.title)).toEqual(chosen.map((t) => `#${t.number} ${t.family}`));
    expect(dto).toMatchObject({ label: "class", problemType: "binary", metric: "auc", datasetName: "credit-g.csv" });
    expect(dto.metrics[0]).toBe("auc");
    expect(new Set(dto.metrics)).toEqual(new Set(Object.keys(chosen[0].valMetrics!)));

    // every hyperparameter name once; differs exactly where some candidate's value (or its absence) is not the others'
    const names = [...new Set(chosen.flatMap((t) => Object.keys(t.params)))].sort();
    expect(dto.params.map((p) => p.name)).toEqual(names);
    const differing = names.filter((n) => new Set(chosen.map((t) => JSON.stringify(t.params[n] ?? null))).size > 1);
    expect(dto.params.filter((p) => p.differs).map((p) => p.name)).toEqual(differing);
    expect(differing.length).toBeGreaterThan(0);
    for (const p of dto.params) expect(p.values).toEqual(chosen.map((t) => t.params[p.name] ?? null));

    // holdout: no spread across folds, and the page says why
    for (const c of dto.candidates) expect(c.folds).toEqual({ scores: null, mean: null, std: null, note: expect.stringMatching(/^holdout validation/) });
    // the boosted trees have a learning curve; every single model its feature selection
    expect(dto.candidates[0].curve.length).toBeGreaterThan(0);
    expect(dto.candidates[0].features?.features.length).toBeGreaterThan(0);
    // the ensemble has no selection of its own: its column is unknown, so a feature differs only between the others
    expect(dto.candidates[2].features).toBeNull();
    const [gbdtKept, linearKept] = [0, 1].map((i) => new Map(dto.candidates[i].features!.features.map((f) => [f.name, f.kept])));
    const featureNames = [...new Set([...gbdtKept.keys(), ...linearKept.keys()])].sort();
    expect(dto.features.map((f) => f.name)).toEqual(featureNames);
    for (const f of dto.features) {
      expect(f.values).toEqual([gbdtKept.get(f.name) ?? null, linearKept.get(f.name) ?? null, null]);
      expect(f.differs).toBe((gbdtKept.get(f.name) ?? null) !== (linearKept.get(f.name) ?? null));
    }

    // the same predictions, made here: each archive's predictor on the run's validation rows
    const split = Split.parse(JSON.parse((await ctx.blobs.get(keys.runSplit(holdoutRun))).toString()));
    const rows = [...split.valid].sort((a, b) => a - b);
    const run = (await ctx.store.getRun(holdoutRun))!;
    const { table } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(run.datasetId)));
    const predicted: string[][] = [];
    for (const t of chosen) {
      const predictor = await loadPredictor(await ctx.blobs.localPath(keys.trialArchive(holdoutRun, t.id)));
      predicted.push(Array.from(predictor.decide(predictor.predict(table, rows)), (c) => predictor.task.classes[c]));
      predictor.dispose();
    }
    const differ = rows.map((_, i) => new Set(predicted.map((p) => p[i])).size > 1);
    const count = differ.filter(Boolean).length;
    const d = dto.disagreement!;
    expect(d.rows).toBe(rows.length);
    expect(d.differingRows).toBe(count);
    expect(d.share).toBeCloseTo(count / rows.length, 12);
    expect(d.meanAbsDifference).toBeNull();
    expect(d.basis).toMatch(/^Predictions of the 200 validation rows of the holdout validation split\./);
    // the examples are the first rows that differ, with the truth and each candidate's prediction
    const firstDiffering = rows.filter((_, i) => differ[i]).slice(0, 5);
    expect(d.examples.map((e) => e.row)).toEqual(firstDiffering);
    const label = stringAt(table.columns.find((c) => c.name === "class")!);
    for (const e of d.examples) {
      const i = rows.indexOf(e.row);
      expect(e.predictions).toEqual(predicted.map((p) => p[i]));
      expect(e.truth).toBe(label(e.row));
      expect(e.inputs).toHaveLength(20);
      expect(e.inputs.find((x) => x.column === "class")).toBeUndefined();
    }
  });
});

describe("comparing cross-validated candidates", () => {
  it("scores each fold from the stored out-of-fold predictions and compares fold 1's rows", async () => {
    const dto = await compareCandidates(ctx, { trials: `${cv[0].id}, ${cv[1].id}` });
    for (const [i, c] of dto.candidates.entries()) {
      expect(c.folds.scores).toHaveLength(5);
      for (const s of c.folds.scores!) expect(s).toBeGreaterThan(0.5);
      const mean = c.folds.scores!.reduce((a, b) => a + b, 0) / 5;
      expect(c.folds.mean).toBeCloseTo(mean, 12);
      expect(c.folds.std).toBeCloseTo(Math.sqrt(c.folds.scores!.reduce((a, s) => a + (s - mean) ** 2, 0) / 4), 12);
      // the pooled out-of-fold AUC is near the folds' mean
      expect(Math.abs(c.folds.mean! - cv[i].valScore!)).toBeLessThan(0.05);
    }
    const split = Split.parse(JSON.parse((await ctx.blobs.get(keys.runSplit(cvRun))).toString()));
    expect(dto.disagreement!.rows).toBe(split.folds![0].length);
    expect(dto.disagreement!.basis).toContain("the first cross-validation fold (fold 1 of 5");
  });
});

describe("comparing candidates of two runs on one dataset", () => {
  it("names each candidate's run and compares the rows that are validation rows of both", async () => {
    const gbdt = holdout.find((t) => t.family === "gbdt")!;
    const dto = await compareCandidates(ctx, { trials: `${gbdt.id},${cv[0].id}` });
    expect(dto.candidates.map((c) => c.title)).toEqual([`#${gbdt.number} gbdt (run 1)`, `#${cv[0].number} linear (run 2)`]);
    expect(dto.validation).toHaveLength(2);
    const splitOf = async (runId: string) => Split.parse(JSON.parse((await ctx.blobs.get(keys.runSplit(runId))).toString()));
    const fold1 = new Set((await splitOf(cvRun)).folds![0]);
    const shared = (await splitOf(holdoutRun)).valid.filter((r) => fold1.has(r));
    expect(shared.length).toBeGreaterThan(0);
    expect(dto.disagreement!.rows).toBe(shared.length);
    expect(dto.disagreement!.basis).toContain(`the ${shared.length} rows that are validation rows (the holdout split or fold 1) of every one of the 2 runs`);
  });
});

describe("comparing architecture search candidates", () => {
  it("shows each network's architecture as its candidate panel draws it", async () => {
    const rows = (await fs.readFile(CREDIT, "utf8")).trim().split("\n").slice(0, 301).join("\n");
    const runId = await trainRun(ctx, rows, "credit-g-300.csv", { label: "class", maxTrials: 2, seed: 0, families: ["nas"], validation: "holdout" });
    const nas = (await ctx.store.listTrials(runId)).filter((t) => t.family === "nas" && t.status === "done");
    expect(nas).toHaveLength(2);
    const dto = await compareCandidates(ctx, { trials: nas.map((t) => t.id).join(",") });
    for (const [i, c] of dto.candidates.entries()) {
      expect(c.architecture).toEqual(await getTrialArchitecture(ctx, nas[i].id));
      expect(c.architecture!.nodes.length).toBeGreaterThan(2);
    }
  }, 300_000);
});

describe("refusing what can't be compared", () => {
  it("answers 400 for fewer than 2 or more than 5 candidates, 404 for an unknown one, 400 across datasets, 409 for an unfinished one", async () => {
    const range = "Choose between 2 and 5 different candidates to compare (?trials=id1,id2,...).";
    expect(await failure(compareCandidates(ctx, { trials: holdout[0].id }))).toEqual({ status: 400, message: range });
    expect(await failure(compareCandidates(ctx, { trials: `${holdout[0].id},${holdout[0].id}` }))).toEqual({ status: 400, message: range });
    const six = [...holdout, ...cv].slice(0, 6).map((t) => t.id);
    expect(six).toHaveLength(6);
    expect(await failure(compareCandidates(ctx, { trials: six.join(",") }))).toEqual({ status: 400, message: range });
    expect(await failure(compareCandidates(ctx, {}))).toEqual({ status: 400, message: "Say which candidates to compare: ?trials=id1,id2 (two to five candidate ids)." });
    expect(await failure(compareCandidates(ctx, { trials: `${holdout[0].id},nope` }))).toEqual({
      status: 404,
      message: "No candidate has the id nope: it may have been deleted. Choose the candidates again on a run's leaderboard.",
    });
    const other = await uploadDataset(ctx, { fileName: "other.csv", body: bodyOf("a,b\n1,x\n2,y\n3,x\n") });
    await ctx.store.createRun({ id: "other-run", datasetId: other.id, label: "b", problemType: "binary", metric: "auc", strategy: "random", scheduler: "none", seed: 0, maxTrials: 1, budgetSeconds: null, spaceVersion: "1" });
    const elsewhere = await ctx.store.createTrial({ id: "elsewhere", runId: "other-run", number: 0, family: "gbdt", params: {}, spaceVersion: "1" });
    expect(await failure(compareCandidates(ctx, { trials: `${holdout[0].id},${elsewhere.id}` }))).toEqual({
      status: 400,
      message: "These candidates come from runs on different datasets (credit-g.csv, other.csv): choose candidates of runs on one dataset.",
    });
    const queued = await ctx.store.createTrial({ id: "queued-one", runId: holdoutRun, number: 99, family: "gbdt", params: {}, spaceVersion: "1" });
    expect(await failure(compareCandidates(ctx, { trials: `${holdout[0].id},${queued.id}` }))).toEqual({
      status: 409,
      message: "Candidate #99 is queued and has no score: compare it once it has finished.",
    });
    await ctx.store.deleteTrial(queued.id);
  });
});
