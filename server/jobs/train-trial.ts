import fs from "node:fs/promises";
import path from "node:path";
import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import type { EpochReport, Matrix } from "../models/family";
import { getFamily } from "../models/registry";
import { allMetrics, greaterIsBetter, score } from "../automl/estimation/metrics";
import { candidateScores, manifestTest, measureLatency, type CandidateScores } from "./candidate-scores";
import { calibrateCandidate, thresholdOf, type CandidateCalibration } from "./calibrate-candidate";
import { applyCalibration } from "../automl/calibration/calibration-state";
import { createCurveStopping } from "../automl/schedulers/curve-stopping";
import { deriveSeed } from "../automl/rng";
import { keys } from "../storage/keys";
import { archiveFiles } from "../export/archive-files";
import { packageVersions, type Manifest } from "../export/manifest";
import { splitParams } from "./candidate-space";
import { predictRows, rowsMatrix, timingRows, type KeptModel } from "./candidate-data";
import { createScheduler } from "../automl/schedulers";
import { estimateAtRung, estimateCandidate, type Estimate, type EstimateHooks, type RungEstimate } from "./estimate-candidate";
import { loadRunData, type RunData } from "./run-data";
import { bestTrial } from "./coordinator";
import { screenAtLowFidelity } from "./low-fidelity-screen";
import { explainCandidate } from "./explain-candidate";
import { weightInheritance } from "./weight-inheritance";
import { checkConstraints, trainingDeadline, type CandidateCosts } from "./serving-constraints";
import { CurveWriter } from "./curve-writer";

/**
 * Between epochs the store is visited (the curve's new points written, the heartbeat, the cancellation check) at most
 * this often. A boosted-tree round on a few thousand rows takes about as long as those four round trips, and visited
 * after every epoch they took most of a small data set's gbdt trial.
 */
const STORE_VISIT_MS = 250;

/** The job was taken back (its heartbeat looked stale) and handed to another worker: this one must let go. */
export class LostClaimError extends Error {
  constructor() {
    super("this worker no longer holds the trial's job");
  }
}

/** The seed a trial trains with: a pure function of the run's seed and the trial number. */
export const trainingSeed = (run: RunRow, trial: TrialRow) => deriveSeed(run.seed, "train", trial.number);

/** When a run's wall-clock budget ends (ms since epoch), or Infinity without one. */
export function runDeadline(run: RunRow): number {
  if (run.budgetSeconds == null || !run.startedAt) return Infinity;
  return run.startedAt.getTime() + (run.budgetSeconds - run.elapsedSeconds) * 1000;
}

/**
 * Estimates one candidate (estimate-candidate.ts: its folds, then a refit on all non-test rows), scores the kept model
 * on the test split, measures its cost, and writes its archive. Throws on failure; the worker records the reason.
 */
export async function trainTrial(
  ctx: StudioContext,
  trial: TrialRow,
  job: { backend: string; attempt: number; onBeat: () => Promise<boolean> },
): Promise<void> {
  const { backend } = job;
  const onBeat = async () => {
    if (!(await job.onBeat())) throw new LostClaimError();
  };
  let run = await mustGetRun(ctx, trial.runId);
  if (run.status !== "running") {
    await ctx.store.updateTrial(trial.id, { status: "cancelled", reason: "run was cancelled before this trial started", finishedAt: new Date() });
    return;
  }
  const scheduler = createScheduler(run.scheduler);
  const budget = scheduler && trial.bracket !== null && trial.rung !== null ? scheduler.budget(trial.bracket, trial.rung) : null;
  // a promoted trial continues its learning curve and its training from the previous rung's checkpoint
  const resume = budget && trial.rung! > 0 ? await ctx.blobs.get(keys.trialCheckpoint(run.id, trial.id, trial.rung! - 1)) : undefined;
  if (!resume) await ctx.store.clearCurve(trial.id);
  await ctx.store.updateTrial(trial.id, { status: "running", startedAt: new Date(), reason: null, infeasibleReason: null, attempts: job.attempt });
  const data = await loadRunData(ctx, run);
  const family = getFamily(trial.family);
  const params = splitParams(trial.params);
  const started = performance.now();
  // training stops at the run's budget or at the candidate's time limit, whichever comes first (a promoted trial
  // has spent part of its time at earlier rungs)
  const trainingEnds = trainingDeadline(run, Date.now() - (resume ? (trial.trainSeconds ?? 0) : 0) * 1000);
  const limit = trainingEnds < runDeadline(run) ? "training time limit" : "budget";
  let cancelled = false;
  const curveStop = run.estimation === "curve" ? curveStopper(ctx, run, family.epochCap?.(params.family) ?? NaN) : null;
  let curveStopped: string | null = null;
  const curve = new CurveWriter(ctx.store, trial.id);
  let visited = -Infinity;
  const hooks: EstimateHooks = {
    metric: run.metric,
    deadline: Math.min(runDeadline(run), trainingEnds),
    finalModel: run.finalModel,
    seedFor: (index) => (index === 0 ? trainingSeed(run, trial) : deriveSeed(run.seed, "train", trial.number, index < 0 ? "refit" : index)),
    async onModel(model, index) {
      // while running, the reason says which model is training
      if (index !== 0) await ctx.store.updateTrial(trial.id, { reason: index < 0 ? `refitting on all ${model.train.length} non-test rows` : `cross-validating: ${model.name}` });
      await onBeat();
    },
    async onEpoch(_model, index, report) {
      // the first fold's curve is the one shown live; the other models only report that the worker is alive
      if (index === 0) curve.add(report);
      const now = performance.now();
      if (now - visited >= STORE_VISIT_MS) {
        visited = now;
        await curve.flush();
        await onBeat();
        run = await mustGetRun(ctx, trial.runId);
        cancelled = run.status === "cancelling" || run.status === "cancelled";
      }
      if (cancelled) return "stop";
      if (index === 0 && curveStop) curveStopped = await curveStop(report);
      return curveStopped ? "stop" : "continue";
    },
    onModelEnd: () => curve.flush(),
    async explain(model, stages) {
      const explanation = explainCandidate({ model, stages, task: data.task, metric: run.metric, seed: deriveSeed(run.seed, "explain", trial.number) });
      await ctx.blobs.put(keys.trialExplanation(run.id, trial.id), JSON.stringify(explanation));
    },
  };
  const inheritance = run.estimation === "inherit" ? await weightInheritance(ctx, run, trial, family, data.task) : null;
  if (inheritance) {
    Object.assign(hooks, inheritance.hooks);
    await ctx.store.updateTrial(trial.id, { parentNumber: inheritance.parent?.number ?? null });
  }
  if (budget && !budget.final) {
    const rung = await estimateAtRung(data, family, params, run.seed, hooks, budget.epochs, resume);
    await finishRung(ctx, run, trial, data, rung, { cancelled, limit, trainSeconds: (performance.now() - started) / 1000 });
    return;
  }
  let screening: string | null = null;
  if (run.estimation === "low") {
    const screened = await screenAtLowFidelity(ctx, { run, trial, data, family, params, hooks, started });
    if (!screened.promoted) return;
    screening = screened.note;
  }
  const estimate = await estimateCandidate(data, family, params, run.seed, hooks, budget ? { maxEpochs: budget.epochs, resume } : undefined);
  // a promoted trial's cost includes its earlier rungs
  const trainSeconds = (resume ? (trial.trainSeconds ?? 0) : 0) + (performance.now() - started) / 1000;
  try {
    const calibration = calibrateCandidate(run.metric, data.task, estimate.valY, estimate.valPred, deriveSeed(run.seed, "calibration", trial.number));
    const result = scoreCandidate(run, data, estimate, deriveSeed(run.seed, "bootstrap", trial.number), calibration);
    const archiveKey = keys.trialArchive(run.id, trial.id);
    await writeArchive(ctx, archiveKey, { run, trial, data, estimate, backend, calibration, seedFor: hooks.seedFor, ...result });
    const { status, reason } = curveStopped ? { status: "pruned" as const, reason: `${curveStopped}; not refit` } : ending(estimate, cancelled, limit);
    const parent = inheritance?.parent;
    const inherited = parent && estimate.inherited && inheritanceNote(parent.number, estimate.inherited);
    const costs = { archiveBytes: await ctx.blobs.size(archiveKey), trainSeconds, predictMsPer1k: latencyOf(data, estimate.kept) };
    await ctx.store.updateTrial(trial.id, {
      status,
      reason: [screening, inherited, reason, calibration?.note].filter(Boolean).join("; "),
      ...result.scores,
      ...(budget && { rungScores: [...(trial.rungScores ?? []), result.scores.valScore] }),
      epochs: estimate.epochs,
      bestEpoch: estimate.bestEpoch,
      paramCount: estimate.kept.reduce((a, k) => a + k.model.paramCount(), 0),
      ...costs,
      // kept with its scores and archive, shown with the reason, but never the run's best
      infeasibleReason: infeasibility(run, costs, estimate.bag?.length ?? 1),
      finishedAt: new Date(),
    });
  } finally {
    for (const k of estimate.kept) k.model.dispose();
  }
}

/**
 * A rung below the last: the trial pauses with its first-fold score and a checkpoint for the scheduler to decide on.
 * Cut by a cancel or the budget, it is pruned instead, keeping the score it reached.
 */
async function finishRung(ctx: StudioContext, run: RunRow, trial: TrialRow, data: RunData, r: RungEstimate, cost: { cancelled: boolean; limit: string; trainSeconds: number }) {
  const valScore = score(run.metric, data.task, r.valY, r.valPred);
  const cut = cost.cancelled ? "the run was cancelled" : r.reason === "deadline" ? `the ${cost.limit} ran out` : null;
  const trainSeconds = (trial.trainSeconds ?? 0) + cost.trainSeconds;
  // written before the trial says paused, so a promotion always finds it (the blob store writes atomically)
  if (!cut) await ctx.blobs.put(keys.trialCheckpoint(run.id, trial.id, trial.rung!), r.checkpoint);
  await ctx.store.updateTrial(trial.id, {
    status: cut ? "pruned" : "paused",
    reason: cut ? `${cut} at epoch ${r.epochs} of rung ${trial.rung}` : `rung ${trial.rung}: ${r.epochs} epochs (${r.reason === "paused" ? `best ${r.bestEpoch}` : `${r.reason} at ${r.bestEpoch}`}) on the first validation fold`,
    valScore,
    valMetrics: allMetrics(data.task, r.valY, r.valPred),
    rungScores: [...(trial.rungScores ?? []), valScore],
    epochs: r.epochs,
    bestEpoch: r.bestEpoch,
    trainSeconds,
    // only the training time is known at a rung: size and latency are measured on the final model
    infeasibleReason: checkConstraints(run, { archiveBytes: null, predictMsPer1k: null, trainSeconds }).reason,
    ...(cut && { finishedAt: new Date() }),
  });
}

/**
 * Learning-curve estimation: after each epoch of the first validation model, the rule of curve-stopping.ts judges
 * the validation curve so far against the best finished candidate's score (under cross-validation that score pools
 * every fold, the curve is the first fold's: close, not identical). Returns the stop reason, or null to go on.
 */
function curveStopper(ctx: StudioContext, run: RunRow, maxEpochs: number) {
  const rule = createCurveStopping();
  const values: number[] = [];
  const direction = greaterIsBetter(run.metric) ? "maximize" : "minimize";
  return async (report: EpochReport): Promise<string | null> => {
    if (report.valMetric === null || !Number.isFinite(report.valMetric) || !(maxEpochs > 0)) return null;
    values.push(report.valMetric);
    const best = bestTrial((await ctx.store.listTrials(run.id)).filter((t) => t.status === "done"), run.metric);
    const verdict = rule({ values, maxEpochs, incumbent: best?.valScore ?? null, direction, metric: run.metric });
    return verdict.decision === "stop" ? verdict.reason : null;
  };
}

function inheritanceNote(parent: number, { layers, of }: NonNullable<Estimate["inherited"]>): string {
  return layers.length > 0 ? `started from #${parent}'s weights (${layers.length} of ${of} layers)` : `no layer matched its closest candidate #${parent}'s, so it trained from scratch`;
}

/**
 * A finished estimate's status and reason. `limit`: what the deadline was, the run's "budget" or the candidate's
 * "training time limit". A candidate whose validation ran in full is done, with its score: bagged, or refit, or where
 * its refit was skipped or cut; only one whose validation was cut short is stopped, which the strategies treat as pruned.
 */
export function ending(e: Estimate, cancelled: boolean, limit: string): { status: "done" | "stopped"; reason: string } {
  const first = e.folds[0];
  const validated =
    first.name === "holdout"
      ? `${first.reason} at epoch ${first.epochs} (best ${first.bestEpoch})`
      : e.commonRound !== null
        ? `${e.folds.length} folds (their own best epochs ${e.folds.map((f) => f.bestEpoch).join(", ")}; cut back to epoch ${e.commonRound}, the best of their pooled validation loss, or to their last if sooner)`
        : `${e.folds.length} fold${e.folds.length > 1 ? "s" : ""} (best epochs ${e.folds.map((f) => f.bestEpoch).join(", ")})`;
  if (cancelled) return { status: "stopped", reason: `cancelled: ${validated}; not refit` };
  if (e.interrupted === "deadline") return { status: "stopped", reason: `${limit} ran out: ${validated}; not refit` };
  if (e.bag) return { status: "done", reason: `${validated}; the ${e.bag.length} fold models kept as a bag, their predictions averaged` };
  // validation ran in full, so the score counts as any done candidate's; only the refit was not affordable
  if (e.refitSkipped) return { status: "done", reason: `${validated}; not refit: the refit would take about ${Math.ceil(e.refitSkipped.seconds)} s, past the ${limit}, so the validated model is kept` };
  if (!e.refit) return { status: "done", reason: `${validated}; the ${limit} ran out during the refit, so the validated model is kept` };
  return { status: "done", reason: `${validated}; refit on ${e.refit.rows} non-test rows for ${e.refit.epochs} epochs` };
}

/** the scores of the kept model, through its calibration where it has one (validation: out-of-fold calibrated) */
function scoreCandidate(run: RunRow, data: RunData, e: Estimate, seed: number, calibration: CandidateCalibration | null) {
  const rows = data.split.test;
  // a run without a test split has nothing to predict (and a network can't take an empty batch)
  const raw = rows.length > 0 ? predictRows(data, e.kept, rows) : new Float32Array(0);
  const testPred = calibration ? applyCalibration(calibration.state, raw, data.task.classes.length) : raw;
  const val = { y: e.valY, pred: calibration?.valPred ?? e.valPred };
  const testY = Float32Array.from(rows, (r) => data.y[r]);
  return { scores: candidateScores(run.metric, data.task, val, { y: testY, pred: testPred }, seed, thresholdOf(calibration)), testRows: rows.length };
}

/** why a candidate breaks the run's constraints, or null; a bag over the size or latency limit says what would shrink it */
function infeasibility(run: RunRow, costs: CandidateCosts, models: number): string | null {
  const { reason } = checkConstraints(run, costs);
  const servingBroken = models > 1 && checkConstraints({ ...run, maxTrainSeconds: null }, costs).reason !== null;
  return servingBroken ? `${reason} (it is a bag of ${models} fold models: with the final model "refit", a run keeps one, ${models} times smaller and faster)` : reason;
}

/** Prediction latency per 1,000 rows of the kept models (a bag's every one), on rows already through their data stages. */
function latencyOf(data: RunData, kept: readonly KeptModel[]): number {
  const timed = timingRows(data);
  const xs = kept.map((k) => rowsMatrix(data, k.stages, timed).x);
  return measureLatency(timed.length, (rows) => kept.forEach((k, i) => k.model.predict(head(xs[i], rows))));
}

const head = (x: Matrix, rows: number): Matrix => ({ rows, cols: x.cols, data: x.data.subarray(0, rows * x.cols) });

async function writeArchive(
  ctx: StudioContext,
  archiveKey: string,
  c: { run: RunRow; trial: TrialRow; data: RunData; estimate: Estimate; backend: string; calibration: CandidateCalibration | null; scores: CandidateScores; testRows: number; seedFor: (index: number) => number },
) {
  const dataset = await ctx.store.getDataset(c.run.datasetId);
  if (!dataset) throw new Error("the dataset of this run was deleted");
  const { estimate: e, scores } = c;
  await ctx.blobs.remove(archiveKey);
  const dir = await ctx.blobs.localPath(archiveKey);
  await fs.mkdir(dir, { recursive: true });
  const bag = e.bag?.map((b) => ({ folder: `${archiveFiles.folds}/${b.index + 1}`, fold: e.folds[b.index].name, seed: c.seedFor(b.index), epochs: b.epochs, bestEpoch: b.bestEpoch }));
  if (bag) {
    for (const [i, { folder }] of bag.entries()) await writeModel(path.join(dir, folder), e.kept[i]);
  } else await e.kept[0].model.save(path.join(dir, archiveFiles.model));
  // a bag's first fold's stages say which columns a prediction table needs: every fold's were fitted on the same table
  const { selection, preprocessing } = e.kept[0].stages;
  const manifest: Manifest = {
    format: "automl-studio-candidate/1",
    candidateId: c.trial.id,
    runId: c.run.id,
    trialNumber: c.trial.number,
    family: c.trial.family,
    spaceVersion: c.trial.spaceVersion,
    hyperparameters: c.trial.params,
    seed: c.run.seed,
    trainingSeed: trainingSeed(c.run, c.trial),
    dataset: { name: dataset.name, sha256: dataset.sha256, rows: dataset.rowCount },
    columns: dataset.columns.map((col) => ({ name: col.name, type: col.type })),
    features: { selection: selection.method, kept: [...new Set(e.kept.flatMap((k) => k.stages.selection.keptNames))], of: selection.features.length },
    label: c.run.label,
    problemType: c.run.problemType,
    classes: c.data.task.classes,
    metric: c.run.metric,
    validation: {
      score: scores.valScore,
      metrics: scores.valMetrics,
      rows: e.valY.length,
      stdError: scores.valScoreSe ?? undefined,
      kind: c.data.split.folds ? "cv" : "holdout",
      folds: c.data.split.folds?.length,
      complete: e.complete,
    },
    test: manifestTest(scores, c.testRows),
    fittedOn: e.fittedOn,
    refit: e.refit,
    ...(bag && { bag }),
    epochs: e.epochs,
    bestEpoch: e.bestEpoch,
    backend: c.backend,
    versions: packageVersions(),
    createdAt: new Date().toISOString(),
  };
  await fs.writeFile(path.join(dir, archiveFiles.manifest), JSON.stringify(manifest, null, 2));
  await fs.writeFile(path.join(dir, archiveFiles.preprocessing), JSON.stringify(preprocessing));
  await fs.writeFile(path.join(dir, archiveFiles.split), JSON.stringify(c.data.split));
  await fs.writeFile(path.join(dir, archiveFiles.selection), JSON.stringify(selection));
  if (c.calibration) await fs.writeFile(path.join(dir, archiveFiles.calibration), JSON.stringify(c.calibration.state));
  // out-of-fold (or holdout) predictions for every validation row, in row order, for ensembles; only when complete
  if (e.complete) {
    const pred = inRowOrder(c.calibration?.valPred ?? e.valPred, e.valRows);
    await fs.writeFile(path.join(dir, archiveFiles.validationPredictions), Buffer.from(pred.buffer, pred.byteOffset, pred.byteLength));
  }
}

/** one of a bag's models in its folder: its family's payload and the data stages fitted with it */
async function writeModel(dir: string, k: KeptModel): Promise<void> {
  await k.model.save(path.join(dir, archiveFiles.model));
  await fs.writeFile(path.join(dir, archiveFiles.preprocessing), JSON.stringify(k.stages.preprocessing));
  await fs.writeFile(path.join(dir, archiveFiles.selection), JSON.stringify(k.stages.selection));
}

/** predictions (row-major, one block per row) re-ordered by ascending row index */
function inRowOrder(pred: Float32Array, rows: number[]): Float32Array {
  const width = rows.length > 0 ? pred.length / rows.length : 0;
  const order = rows.map((_, i) => i).sort((a, b) => rows[a] - rows[b]);
  const out = new Float32Array(pred.length);
  order.forEach((from, to) => out.set(pred.subarray(from * width, (from + 1) * width), to * width));
  return out;
}

async function mustGetRun(ctx: StudioContext, id: string): Promise<RunRow> {
  const run = await ctx.store.getRun(id);
  if (!run) throw new Error(`run ${id} no longer exists`);
  return run;
}
