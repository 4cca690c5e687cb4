import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, expect, it } from "vitest";
import { STRATEGY_NAMES } from "../contracts/run";
import { loadConfig } from "../config";
import { createContext, type StudioContext } from "../context";
import { predictCsv } from "../export/predict";
import { readManifest } from "../export/archive-files";
import { loadPredictor } from "../export/archive-predictor";
import { score } from "../automl/estimation/metrics";
import { loadRunData } from "./run-data";
import { initBackend } from "../models/backend";
import { keys } from "../storage/keys";
import { toRunDto } from "../usecases/dto";
import { createRun } from "../usecases/create-run";
import { getTrialExplanation } from "../usecases/get-trial-explanation";
import { getTrialFeatures } from "../usecases/get-trial-features";
import { getTrialArchitecture } from "../usecases/get-trial-architecture";
import { getTrialCurve } from "../usecases/get-trial-curve";
import { uploadDataset } from "../usecases/upload-dataset";
import { Coordinator } from "./coordinator";
import { Supervisor } from "./supervisor";
import { Worker } from "./worker";
import type { Provider } from "../db/migrator";
import { createTestDatabase, describeEachProvider, type TestDatabase } from "../db/testing/databases";

const CREDIT = path.resolve(__dirname, "../../../shared/datasets/credit-g.csv");
const open: StudioContext[] = [];

const dropped: TestDatabase[] = [];

async function studio(workers = 1, provider: Provider = "sqlite"): Promise<StudioContext> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pipeline-"));
  const db = await createTestDatabase(provider);
  dropped.push(db);
  const ctx = await createContext(loadConfig({ STUDIO_DATA_DIR: dir, STUDIO_WORKERS: String(workers), DATABASE_URL: provider === "sqlite" ? "" : db.url }));
  open.push(ctx);
  return ctx;
}

afterEach(async () => {
  for (const ctx of open.splice(0)) await ctx.close();
  for (const db of dropped.splice(0)) await db.drop();
});

async function startRun(ctx: StudioContext, maxTrials: number, seed = 0) {
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  return createRun(ctx, { datasetId: dataset.id, label: "class", maxTrials, seed, families: ["mlp"] });
}

/** Drives the coordinator and in-process workers until the run ends (workers take turns, as processes would race). */
async function drive(ctx: StudioContext, runId: string, workerCount: number) {
  const backend = await initBackend();
  const coordinator = new Coordinator(ctx);
  const workers = Array.from({ length: workerCount }, (_, i) => new Worker(ctx, `test-${i}`, backend));
  for (let step = 0; step < 500; step++) {
    await coordinator.tick();
    const run = await ctx.store.getRun(runId);
    if (run && ["completed", "cancelled", "failed"].includes(run.status)) return run;
    await Promise.all(workers.map((w) => w.runOne()));
  }
  throw new Error("run did not finish");
}

/** a run's search candidates, without the ensembles its end adds */
const searched = async (ctx: StudioContext, runId: string) => (await ctx.store.listTrials(runId)).filter((t) => t.family !== "ensemble");

const leaderboard = async (ctx: StudioContext, runId: string) =>
  (await ctx.store.listTrials(runId)).map((t) => ({ number: t.number, params: t.params, valScore: t.valScore, testScore: t.testScore, status: t.status }));

describeEachProvider("the search pipeline", (provider) => {
  it("runs a search to completion, keeps the best candidate, and its archive predicts", async () => {
    const ctx = await studio(1, provider);
    const created = await startRun(ctx, 3);
    const run = await drive(ctx, created.id, 1);
    expect(run.status).toBe("completed");
    const all = await ctx.store.listTrials(run.id);
    const trials = all.filter((t) => t.family !== "ensemble");
    expect(trials).toHaveLength(3);
    expect(trials.every((t) => t.status === "done" && t.valScore! > 0.6 && t.testScore! > 0.6)).toBe(true);
    // 800 non-test rows, below the threshold: 5-fold cross-validation
    expect(run.validationPlan).toMatchObject({ kind: "cv", folds: 5 });
    const best = all.find((t) => t.id === run.bestTrialId)!;
    expect(best.valScore).toBe(Math.max(...all.map((t) => t.valScore!)));
    const bestSingle = trials.reduce((a, t) => (t.valScore! > a.valScore! ? t : a));
    // the first fold's live curve, written in batches: every epoch it trained, once
    const curve = await ctx.store.listCurve(bestSingle.id);
    expect(curve.length).toBeGreaterThan(0);
    expect(curve.map((p) => p.epoch)).toEqual(Array.from({ length: curve.length }, (_, i) => i + 1));
    expect(best.paramCount).toBeGreaterThan(0);
    expect(best.archiveBytes).toBeGreaterThan(1000);
    // the finished run's search insight is kept as it finishes (its five candidates), so no page visit computes it
    const kept = await ctx.store.getRunInsight(run.id);
    expect(kept?.key).toBe(`insight@1:completed:${run.finishedAt!.getTime()}`);
    expect(kept?.insight).toMatchObject({ runId: run.id, finishedTrials: 3, pareto: { total: 5 } });

    // the search ends with two ensembles of its candidates, each a leaderboard row of its own with an archive that predicts
    const ensembles = all.filter((t) => t.family === "ensemble");
    expect(ensembles.map((t) => [t.number, t.params.method, t.status])).toEqual([
      [3, "greedy", "done"],
      [4, "stacking", "done"],
    ]);
    const [greedy, stacking] = ensembles;
    // greedy selection is scored on rows it did not choose on, so unlike its in-sample score it may rank below its best member
    expect(greedy.reason).toMatch(/^greedy ensemble selection among the best 3 candidates: #\d mlp ×\d\.\d\d.*; scored by 5-fold cross-fitting/);
    expect(stacking.reason).toMatch(/^stacking: a linear model over the out-of-fold predictions of #\d mlp/);
    for (const e of ensembles) {
      expect(e.testScore!).toBeGreaterThan(0.6);
      expect(e.valScore!).toBeGreaterThan(0.6);
      const dir = await ctx.blobs.localPath(keys.trialArchive(run.id, e.id));
      const manifest = await readManifest(dir);
      expect(manifest).toMatchObject({ family: "ensemble", validation: { score: e.valScore, rows: 800, complete: true }, test: { score: e.testScore, rows: 200 } });
      // each member is a bag whose fold models are its trial's own files, linked rather than copied
      const spec = JSON.parse(await fs.readFile(path.join(dir, "ensemble.json"), "utf8")) as { members: { trialId: string; folder: string }[] };
      for (const m of spec.members) {
        const own = path.join(await ctx.blobs.localPath(keys.trialArchive(run.id, m.trialId)), "folds", "5", "model");
        for (const f of await fs.readdir(own)) expect((await fs.stat(path.join(dir, "members", m.folder, "folds", "5", "model", f))).ino).toBe((await fs.stat(path.join(own, f))).ino);
      }
      // explained by its out-of-fold predictions of all 800 validation rows; its importance is its members'
      const explanation = await getTrialExplanation(ctx, e.id);
      expect(explanation.confusion!.counts.flat().reduce((a, b) => a + b, 0)).toBe(800);
      expect(explanation.importance.note).toMatch(/^Permutation importance is measured per model: see this ensemble's members \(#\d/);
    }
    const data = await loadRunData(ctx, run);
    for (const t of trials) {
      // the scores come with their noise: a bootstrap standard error, about sqrt(p(1-p)/n)-sized for these row counts
      expect(t.valScoreSe!).toBeGreaterThan(0.005);
      expect(t.valScoreSe!).toBeLessThan(0.05);
      expect(t.testScoreSe!).toBeGreaterThan(t.valScoreSe!); // 200 test rows against 800 out-of-fold rows
      // cross-validated, the candidate keeps its 5 fold models as a bag, each with its own seed and data stages
      const archive = await ctx.blobs.localPath(keys.trialArchive(run.id, t.id));
      const manifest = await readManifest(archive);
      expect(manifest.validation).toMatchObject({ kind: "cv", folds: 5, rows: 800, complete: true });
      expect(manifest.test!.rows).toBe(200);
      expect(manifest.refit).toBeNull();
      expect(manifest.bag!.map((b) => [b.folder, b.fold])).toEqual([1, 2, 3, 4, 5].map((i) => [`folds/${i}`, `fold ${i} of 5`]));
      expect(new Set(manifest.bag!.map((b) => b.seed)).size).toBe(5);
      expect(manifest.bag![0].seed).toBe(manifest.trainingSeed);
      expect(manifest.fittedOn).toMatch(/^the 5 fold models, each fitted on its fold's training rows/);
      expect(t.reason).toMatch(/^5 folds \(best epochs \d+, \d+, \d+, \d+, \d+\); the 5 fold models kept as a bag, their predictions averaged/);
      for (const b of manifest.bag!) expect(await fs.readdir(path.join(archive, b.folder))).toEqual(expect.arrayContaining(["model", "preprocessing.json", "selection.json"]));
      // the archive predicts what was scored: the bag's average of its folds' predictions, calibrated
      const predictor = await loadPredictor(archive);
      const testY = Float32Array.from(data.split.test, (r) => data.y[r]);
      expect(score(run.metric, data.task, testY, predictor.predict(data.table, data.split.test))).toBeCloseTo(t.testScore!, 6);
      predictor.dispose();
      // every candidate records the feature selection it chose (a searched hyperparameter), fitted on training rows
      const features = await getTrialFeatures(ctx, t.id);
      expect(features.method).toBe(t.params.feature_selection);
      expect(features.of).toBe(manifest.features.of);
      expect(features.kept).toBeGreaterThan(0);
      expect(features.kept).toBeLessThanOrEqual(features.of);
      // explained on the first fold's 160 validation rows; its probabilities went through the calibration step
      const explanation = await getTrialExplanation(ctx, t.id);
      expect(explanation.confusion!.counts.flat().reduce((a, b) => a + b, 0)).toBe(160);
      expect(explanation.importance.features.length).toBeGreaterThan(0);
      expect(explanation.roc!.auc!).toBeGreaterThan(0.6);
      expect(await ctx.blobs.exists(`${keys.trialArchive(run.id, t.id)}/calibration.json`)).toBe(true);
    }

    const csv = path.join(os.tmpdir(), `credit-new-${Date.now()}.csv`);
    const lines = (await fs.readFile(CREDIT, "utf8")).trim().split("\n").slice(0, 11);
    await fs.writeFile(csv, lines.map((l) => l.split(",").slice(0, -1).join(",")).join("\n"));
    for (const candidate of [bestSingle, ...ensembles]) {
      const preds = (await predictCsv({ blobs: ctx.blobs, archiveKey: keys.trialArchive(run.id, candidate.id), csvPath: csv })).trim().split("\n");
      expect(preds[0]).toBe("prediction,proba_bad,proba_good");
      expect(preds).toHaveLength(11);
      for (const row of preds.slice(1)) {
        const [label, pBad, pGood] = row.split(",");
        expect(["good", "bad"]).toContain(label);
        expect(Number(pBad) + Number(pGood)).toBeCloseTo(1, 5);
      }
    }
  });

  it.runIf(provider === "sqlite")("gives the same leaderboard for the same seed and trial budget, with one worker or two", async () => {
    const one = await studio(1);
    const two = await studio(2);
    const a = await startRun(one, 5, 7);
    const b = await startRun(two, 5, 7);
    await drive(one, a.id, 1);
    await drive(two, b.id, 2);
    const la = await leaderboard(one, a.id);
    expect(la).toHaveLength(7); // 5 candidates and 2 ensembles
    expect(await leaderboard(two, b.id)).toEqual(la);
  }, 300_000); // 2 x 5 cross-validated candidates: 6 models each

  it.runIf(provider === "sqlite")("searches with every strategy a run can name, each proposing what it decides", async () => {
    const ctx = await studio(1);
    const rows = Array.from({ length: 120 }, (_, i) => `${(i * 37) % 101},${(i * 11) % 7},${(i * 37) % 101 > 50 ? "yes" : "no"}`);
    const dataset = await uploadDataset(ctx, { fileName: "tiny.csv", body: Readable.from([["a,b,label", ...rows].join("\n")]) });
    // the default families' space with the data stages has far more grid points than the budget: refused before anything trains
    await expect(createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 5, strategy: "grid" })).rejects.toThrow(
      /A grid over this search space has at least [\d,]+ points \(5 per continuous range\), more than the budget of 5 trials: .*Choose random/,
    );
    await expect(createRun(ctx, { datasetId: dataset.id, label: "label", budgetMinutes: 5, strategy: "grid" })).rejects.toThrow(/more than a grid search can visit \(10,000\)/);
    for (const strategy of STRATEGY_NAMES.filter((s) => s !== "random" && s !== "grid")) {
      const created = await createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 5, seed: 1, strategy });
      const run = await drive(ctx, created.id, 1);
      expect(run, strategy).toMatchObject({ status: "completed", strategy });
      const trials = (await ctx.store.listTrials(run.id)).filter((t) => t.family !== "ensemble");
      expect(trials.map((t) => t.status)).toEqual(["done", "done", "done", "done", "done"]);
      // after the defaults, distinct proposals
      expect(new Set(trials.map((t) => JSON.stringify(t.params))).size).toBe(5);
    }
  }, 300_000);

  it.runIf(provider === "sqlite")("schedules trials under Hyperband and ASHA: rungs, checkpoints, pruning", async () => {
    const ctx = await studio(2);
    const rows = Array.from({ length: 150 }, (_, i) => `${(i * 37) % 101},${(i * 11) % 7},${(i * 37) % 101 > 50 ? "yes" : "no"}`);
    const dataset = await uploadDataset(ctx, { fileName: "tiny.csv", body: Readable.from([["a,b,label", ...rows].join("\n")]) });
    // BOHB's pairing: TPE proposes, Hyperband decides how long each trains
    const bohb = await drive(ctx, (await createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 5, seed: 2, strategy: "tpe", scheduler: "hyperband" })).id, 2);
    expect(bohb).toMatchObject({ status: "completed", scheduler: "hyperband" });
    const trials = await ctx.store.listTrials(bohb.id);
    // one bracket cut to 5 trials: all 5 train 3 epochs; the best goes on to 9, 27 and 81 from its checkpoints
    expect(trials.map((t) => `${t.status}${t.status === "failed" ? `: ${t.reason}` : ""}`).sort()).toEqual(["done", "pruned", "pruned", "pruned", "pruned"]);
    const full = trials.find((t) => t.status === "done")!;
    expect(full).toMatchObject({ bracket: 0, rung: 3, id: bohb.bestTrialId });
    expect(full.rungScores).toHaveLength(4);
    expect(full.testScore).not.toBeNull();
    expect(full.rungScores![0]).toBe(Math.max(...trials.map((t) => t.rungScores![0]))); // accuracy: the best of rung 0 went on
    // its first fold's learning curve runs on across the rungs, one point per epoch
    const curve = await ctx.store.listCurve(full.id);
    expect(curve.map((p) => p.epoch)).toEqual(Array.from({ length: curve.length }, (_, i) => i + 1));
    expect(curve.length).toBeGreaterThan(9);
    for (const t of trials.filter((t) => t.status === "pruned")) {
      // pruned trials keep their score after 3 epochs, and have no archive
      expect(t).toMatchObject({ rung: 0, epochs: 3, valScore: t.rungScores![0], testScore: null, reason: expect.stringMatching(/pruned by Hyperband after 3 epochs: not in the best 1 of 5/) });
    }

    const asha = await drive(ctx, (await createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 4, seed: 2, scheduler: "asha" })).id, 1);
    expect(asha).toMatchObject({ status: "completed", scheduler: "asha" });
    const ashaTrials = await ctx.store.listTrials(asha.id);
    expect(ashaTrials.filter((t) => t.status === "done")).toHaveLength(1);
    expect(ashaTrials.every((t) => t.status === "done" || t.status === "pruned")).toBe(true);
  }, 300_000);

  it("retries a trial whose worker is killed, and resumes after the whole supervisor dies", async () => {
    const ctx = await studio(1, provider);
    const created = await startRun(ctx, 3, 3);
    const first = new Supervisor(ctx, { log: () => {}, staleMs: 3_000 });
    first.start();
    // kill the worker as soon as a trial is running
    await until(async () => (await ctx.store.listTrials(created.id)).some((t) => t.status === "running"));
    for (const pid of first.workerPids()) process.kill(pid, "SIGKILL");
    // then the whole supervisor "crashes" after the first finished trial
    await until(async () => (await ctx.store.listTrials(created.id)).some((t) => t.status === "done"));
    const finishedBefore = (await ctx.store.listTrials(created.id)).filter((t) => t.status === "done");
    for (const pid of first.workerPids()) process.kill(pid, "SIGKILL");
    await first.stop();

    const second = new Supervisor(ctx, { log: () => {}, staleMs: 3_000 });
    second.start();
    await until(async () => (await ctx.store.getRun(created.id))?.status === "completed");
    await second.stop();
    const trials = await searched(ctx, created.id);
    // a failed trial's reason says why, so it is part of what is compared
    expect(trials.map((t) => (t.status === "done" ? "done" : `${t.status}: ${t.reason}`))).toEqual(["done", "done", "done"]);
    // the trial that was running when its worker was killed ran again
    expect(trials.filter((t) => t.attempts === 2).length).toBeGreaterThanOrEqual(1);
    for (const before of finishedBefore) {
      const after = trials.find((t) => t.id === before.id)!;
      expect(after.valScore).toBe(before.valScore);
      expect(after.finishedAt).toEqual(before.finishedAt);
    }
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 240_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting");
}

it("searches network architectures with learning-curve estimation: stopped trials say why and keep their score", async () => {
  const ctx = await studio(1);
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  const created = await createRun(ctx, { datasetId: dataset.id, label: "class", maxTrials: 8, seed: 1, families: ["nas"], estimation: "curve", validation: "holdout" });
  expect(created).toMatchObject({ families: ["nas"], estimation: "curve" });
  const run = await drive(ctx, created.id, 1);
  expect(run.status).toBe("completed");
  const trials = await searched(ctx, run.id);
  expect(trials).toHaveLength(8);
  expect(trials.every((t) => t.family === "nas" && t.valScore! > 0.5)).toBe(true);
  // the strategy explores the three spaces (chain, complex, cell)
  expect(new Set(trials.map((t) => t.params.nas_space)).size).toBeGreaterThanOrEqual(2);
  const pruned = trials.filter((t) => t.status === "pruned");
  expect(pruned.length).toBeGreaterThanOrEqual(1);
  for (const t of pruned) {
    expect(t.reason).toMatch(/^stopped at epoch \d+: predicted final auc [\d.]+ ± [\d.]+, [\d.<]+% chance to beat the best [\d.]+; not refit(; calibrated: .+)?$/);
    expect(t.epochs).toBeLessThan(Number(t.params.max_epochs));
    // the forecast the rule judged, to the trial's last epoch
    const curve = await getTrialCurve(ctx, t.id);
    expect(curve.forecast).toHaveLength(Number(t.params.max_epochs));
  }
  // the best network, as stored in its archive (the run's best may be an ensemble of networks)
  const bestNetwork = trials.filter((t) => t.status === "done").reduce((a, t) => (t.valScore! > a.valScore! ? t : a));
  const diagram = await getTrialArchitecture(ctx, bestNetwork.id);
  expect(diagram.nodes[0]).toMatchObject({ id: "input", kind: "input" });
  expect(diagram.nodes.at(-1)).toMatchObject({ id: "head", kind: "head", label: "sigmoid 1" });
  expect(diagram.parameterCount).toBeGreaterThan(0);
});

it("screens network architectures at lower fidelity: the first batch trains both ways, the rest in full only when ranked in the top third", async () => {
  const ctx = await studio(1);
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  const created = await createRun(ctx, { datasetId: dataset.id, label: "class", maxTrials: 10, seed: 1, families: ["nas"], estimation: "low", validation: "holdout" });
  const run = await drive(ctx, created.id, 1);
  expect(run.status).toBe("completed");
  const trials = await searched(ctx, run.id);
  // every trial has a cheap score; a random architecture on 200 validation rows can rank no better than chance
  // (stopped on its validation loss, SMALL_VALIDATION_ROWS), the best ones learn
  expect(trials.every((t) => t.lowFidelityScore! >= 0 && t.lowFidelityScore! <= 1)).toBe(true);
  expect(Math.max(...trials.map((t) => t.lowFidelityScore!))).toBeGreaterThan(0.75);
  // the first batch of 4 is the calibration sample
  for (const t of trials.slice(0, 4)) {
    expect(t.status).toBe("done");
    expect(t.reason).toMatch(/^trained at both fidelities \(one of the first 4, which measure how well cheap scores rank\): lower fidelity [\d.]+; /);
  }
  const pruned = trials.filter((t) => t.status === "pruned");
  expect(pruned.length).toBeGreaterThanOrEqual(2);
  for (const t of pruned) {
    expect(t.reason).toMatch(/^lower fidelity: auc [\d.]+ on 500 of 600 training rows, half the units, a third of the epochs, ranks \d+ of \d+; only the best \d+ are trained in full$/);
    expect(t.valScore).toBe(t.lowFidelityScore);
    // a third of the epoch cap
    expect(t.epochs).toBeLessThanOrEqual(33);
  }
  const promoted = trials.slice(4).filter((t) => t.status === "done");
  for (const t of promoted) expect(t.reason).toMatch(/^lower fidelity [\d.]+ ranked \d+ of \d+; /);
  // the rank correlation over every trial trained both ways
  const detail = toRunDto(run, trials, { workers: 1 });
  expect(detail.fidelityCheck).toMatchObject({ pairs: 4 + promoted.length });
  expect(detail.fidelityCheck!.spearman).toBeGreaterThanOrEqual(-1);
});

it("searches network architectures with weight inheritance: each child starts from its closest finished candidate's weights", async () => {
  const ctx = await studio(1);
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  // evolution's first 10 trials are random (its population); its children follow
  const created = await createRun(ctx, { datasetId: dataset.id, label: "class", maxTrials: 14, seed: 1, families: ["nas"], strategy: "evolution", estimation: "inherit", validation: "holdout" });
  const run = await drive(ctx, created.id, 1);
  expect(run.status).toBe("completed");
  const trials = await searched(ctx, run.id);
  expect(trials.every((t) => t.status === "done" && t.valScore! > 0.5)).toBe(true);
  // the first batch has nothing to inherit from; the second's parents are in the first
  expect(trials.slice(0, 4).map((t) => t.parentNumber)).toEqual([null, null, null, null]);
  for (const t of trials.slice(4)) {
    expect(t.parentNumber).toBeLessThan(Math.floor(t.number / 4) * 4);
    expect(t.reason).toMatch(new RegExp(`^(started from #${t.parentNumber}'s weights \\([1-9]\\d* of \\d+ layers\\)|no layer matched its closest candidate #${t.parentNumber}'s, so it trained from scratch); `));
  }
  // evolution's children differ from their parents in one decision: most of their layers are inherited
  const children = trials.slice(10).map((t) => /\((\d+) of (\d+) layers\)/.exec(t.reason!));
  expect(children.filter((m) => m && Number(m[1]) >= Number(m[2]) / 2).length).toBeGreaterThanOrEqual(2);
  // each validation model is kept for the children
  expect(await ctx.blobs.exists(`${keys.trialFoldModel(run.id, trials[0].id, 0)}/model.json`)).toBe(true);
});

it("searches gradient-boosted trees: candidates early-stop on validation rounds, and the best archive predicts", async () => {
  const ctx = await studio(1);
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  const created = await createRun(ctx, { datasetId: dataset.id, label: "class", maxTrials: 4, seed: 0, families: ["gbdt"], validation: "holdout" });
  const run = await drive(ctx, created.id, 1);
  expect(run.status).toBe("completed");
  const trials = await searched(ctx, run.id);
  expect(trials.every((t) => t.family === "gbdt" && t.status === "done" && t.valScore! > 0.65 && t.testScore! > 0.65)).toBe(true);
  // the defaults first: leaf-wise, 31 leaves; then the family's portfolio: conservative depth-wise, then large leaf-wise
  expect(trials[0].params).toMatchObject({ growth: "leafwise", max_leaves: 31, learning_rate: 0.1 });
  expect(trials[1].params).toMatchObject({ growth: "depthwise", max_depth: 4, learning_rate: 0.05 });
  expect(trials[2].params).toMatchObject({ growth: "leafwise", max_leaves: 128, learning_rate: 0.03 });
  for (const t of trials) expect(t.reason).toMatch(/^early stopping at epoch \d+ \(best \d+\); refit on 800 non-test rows for \d+ epochs(; calibrated: .+)?$/);
  // the best may be one of the ensembles the search ended with
  const best = (await ctx.store.listTrials(run.id)).find((t) => t.id === run.bestTrialId)!;
  expect(best.paramCount).toBeGreaterThan(0);
  // the archive predicts the CSV it was trained on (the label column is ignored): probabilities that sum to 1
  const preds = (await predictCsv({ blobs: ctx.blobs, archiveKey: keys.trialArchive(run.id, best.id), csvPath: CREDIT })).trim().split("\n");
  expect(preds[0]).toBe("prediction,proba_bad,proba_good");
  expect(preds).toHaveLength(1001);
  for (const row of preds.slice(1, 50)) {
    const [, pBad, pGood] = row.split(",");
    expect(Number(pBad) + Number(pGood)).toBeCloseTo(1, 5);
  }
});

it("searches several model families: the family is the space's first choice, its hyperparameters conditional on it", async () => {
  const ctx = await studio(1);
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  const created = await createRun(ctx, { datasetId: dataset.id, label: "class", maxTrials: 8, seed: 0, families: ["gbdt", "linear", "mlp", "forest"], validation: "holdout" });
  expect(created.families).toEqual(["gbdt", "linear", "mlp", "forest"]);
  const run = await drive(ctx, created.id, 1);
  expect(run.status).toBe("completed");
  const all = await ctx.store.listTrials(run.id);
  const trials = all.filter((t) => t.family !== "ensemble");
  // the ensembles combine candidates of different families, and predict like any candidate
  const ensembles = all.filter((t) => t.family === "ensemble");
  expect(ensembles.map((t) => t.status)).toEqual(["done", "done"]);
  const stacked = ensembles[1].reason!.match(/#\d+ (\w+)/g)!.map((m) => m.split(" ")[1]);
  expect(new Set(stacked).size).toBeGreaterThan(1);
  // a member's model payload is its trial's own files, linked rather than copied
  const ensembleDir = await ctx.blobs.localPath(keys.trialArchive(run.id, ensembles[1].id));
  const spec = JSON.parse(await fs.readFile(path.join(ensembleDir, "ensemble.json"), "utf8")) as { members: { trialId: string; folder: string }[] };
  for (const m of spec.members) {
    const own = path.join(await ctx.blobs.localPath(keys.trialArchive(run.id, m.trialId)), "model");
    for (const f of await fs.readdir(own)) {
      expect((await fs.stat(path.join(ensembleDir, "members", m.folder, "model", f))).ino).toBe((await fs.stat(path.join(own, f))).ino);
    }
  }
  // each family's defaults first, in the run's order
  expect(trials[0]).toMatchObject({ family: "gbdt", params: expect.objectContaining({ family: "gbdt", "gbdt.growth": "leafwise", "gbdt.max_leaves": 31 }) });
  expect(trials[1]).toMatchObject({ family: "linear", params: expect.objectContaining({ family: "linear", "linear.penalty": "l2" }) });
  expect(trials[2]).toMatchObject({ family: "mlp", params: expect.objectContaining({ family: "mlp", "mlp.depth": 2 }) });
  expect(trials[3]).toMatchObject({ family: "forest", params: expect.objectContaining({ family: "forest", "forest.kind": "random_forest", "forest.n_estimators": 100 }) });
  for (const t of trials) {
    expect(t.family).toBe(t.params.family);
    // only the chosen family's hyperparameters, under its name
    const others = Object.keys(t.params).filter((k) => k.includes(".") && !k.startsWith(`${t.family}.`));
    expect(others).toEqual([]);
    expect(t.status).toBe("done");
    expect(t.valScore).toBeGreaterThan(0.6);
  }
  expect(new Set(trials.map((t) => t.family))).toEqual(new Set(["gbdt", "linear", "mlp", "forest"]));
});

it("holds out no test split when asked (testFraction 0): every labelled row serves the search and the bag", async () => {
  const ctx = await studio(1);
  const rows = Array.from({ length: 200 }, (_, i) => `${(i * 37) % 101},${(i * 11) % 7},${(i * 37) % 101 > 50 ? "yes" : "no"}`);
  const dataset = await uploadDataset(ctx, { fileName: "tiny.csv", body: Readable.from([["a,b,label", ...rows].join("\n")]) });
  const created = await createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 3, seed: 0, families: ["gbdt", "linear"], testFraction: 0 });
  expect(created.testFraction).toBe(0);
  const run = await drive(ctx, created.id, 1);
  expect(run.status).toBe("completed");
  const trials = await ctx.store.listTrials(run.id);
  expect(trials.map((t) => t.status)).toEqual(["done", "done", "done", "done", "done"]);
  for (const t of trials) {
    expect(t).toMatchObject({ testScore: null, testMetrics: null, testScoreSe: null });
    expect(t.valScore!).toBeGreaterThan(0.9);
    expect(t.predictMsPer1k!).toBeGreaterThan(0);
    const manifest = await readManifest(await ctx.blobs.localPath(keys.trialArchive(run.id, t.id)));
    expect(manifest.test).toBeNull();
  }
  const single = trials.find((t) => t.family !== "ensemble")!;
  const manifest = await readManifest(await ctx.blobs.localPath(keys.trialArchive(run.id, single.id)));
  // the bag's 5 fold models were trained on every row but their own fold's: together, on all 200
  expect(manifest.validation.rows).toBe(200);
  expect(manifest.bag).toHaveLength(5);
});

it("refits cross-validated candidates on every non-test row when the run asks for finalModel refit", async () => {
  const ctx = await studio(1);
  const rows = Array.from({ length: 200 }, (_, i) => `${(i * 37) % 101},${(i * 11) % 7},${(i * 37) % 101 > 50 ? "yes" : "no"}`);
  const dataset = await uploadDataset(ctx, { fileName: "tiny.csv", body: Readable.from([["a,b,label", ...rows].join("\n")]) });
  const created = await createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 2, seed: 0, families: ["gbdt", "linear"], finalModel: "refit" });
  expect(created.finalModel).toBe("refit");
  const run = await drive(ctx, created.id, 1);
  expect(run.status).toBe("completed");
  expect(run.validationPlan).toMatchObject({ kind: "cv", folds: 5 });
  const data = await loadRunData(ctx, run);
  for (const t of await searched(ctx, run.id)) {
    const archive = await ctx.blobs.localPath(keys.trialArchive(run.id, t.id));
    const manifest = await readManifest(archive);
    expect(manifest.bag).toBeUndefined();
    expect(manifest.refit).toEqual({ rows: 160, epochs: expect.any(Number) });
    if (t.family === "gbdt") {
      // boosted trees' folds are cut back to their common round, and the refit trains that many rounds
      const [, cut, refit] = t.reason!.match(/^5 folds \(their own best epochs [\d, ]+; cut back to epoch (\d+), [^)]*\); refit on 160 non-test rows for (\d+) epochs/)!;
      expect(refit).toBe(cut);
    } else expect(t.reason).toMatch(/^5 folds \(best epochs [\d, ]+\); refit on 160 non-test rows for \d+ epochs/);
    const predictor = await loadPredictor(archive);
    const testY = Float32Array.from(data.split.test, (r) => data.y[r]);
    expect(score(run.metric, data.task, testY, predictor.predict(data.table, data.split.test))).toBeCloseTo(t.testScore!, 6);
    predictor.dispose();
  }
});
