import fs from "node:fs/promises";
import path from "node:path";
import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import type { FitResult, Matrix } from "../models/family";
import { getFamily } from "../models/registry";
import { allMetrics, score } from "../automl/estimation/metrics";
import { deriveSeed } from "../automl/rng";
import { keys } from "../storage/keys";
import { archiveFiles } from "../export/archive";
import { packageVersions, type Manifest } from "../export/manifest";
import type { SelectionState } from "../data/selection/select";
import { splitParams } from "./candidate-space";
import { loadRunData, type RunData } from "./run-data";
import { selectFeatures, type SelectedData } from "./select-features";

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
 * Full-fidelity estimation of one candidate: train on the training split with early stopping on the
 * validation split, score both splits, measure cost, and write the candidate's archive.
 * Throws on failure; the worker records the reason.
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
  await ctx.store.clearCurve(trial.id);
  await ctx.store.updateTrial(trial.id, { status: "running", startedAt: new Date(), reason: null, attempts: job.attempt });
  const data = await loadRunData(ctx, run);
  const family = getFamily(trial.family);
  const params = splitParams(trial.params);
  await onBeat();
  const { selection, x } = selectFeatures(data, params.featureSelection, run.seed);
  await onBeat(); // selection runs synchronously: say at once that this worker is alive
  const started = performance.now();
  let cancelled = false;
  const fit = await family.fit(
    { task: data.task, xTrain: x.train, yTrain: data.y.train, xVal: x.valid, yVal: data.y.valid },
    params.family,
    {
      seed: trainingSeed(run, trial),
      metric: run.metric,
      deadline: runDeadline(run),
      async onEpoch(report) {
        await ctx.store.addCurvePoint(trial.id, report);
        await ctx.store.updateTrial(trial.id, { epochs: report.epoch });
        await onBeat();
        run = await mustGetRun(ctx, trial.runId);
        cancelled = run.status === "cancelling" || run.status === "cancelled";
        return cancelled ? "stop" : "continue";
      },
    },
  );
  const trainSeconds = (performance.now() - started) / 1000;
  try {
    const result = scoreCandidate(run, data, x, fit);
    const archiveKey = keys.trialArchive(run.id, trial.id);
    await writeArchive(ctx, archiveKey, { run, trial, data, selection, fit, backend, ...result });
    const { status, reason } = ending(fit, cancelled);
    await ctx.store.updateTrial(trial.id, {
      status,
      reason,
      valScore: result.valScore,
      testScore: result.testScore,
      valMetrics: result.valMetrics,
      testMetrics: result.testMetrics,
      epochs: fit.epochs,
      bestEpoch: fit.bestEpoch,
      paramCount: fit.model.paramCount(),
      archiveBytes: await ctx.blobs.size(archiveKey),
      trainSeconds,
      predictMsPer1k: measureLatency(fit, x.test),
      finishedAt: new Date(),
    });
  } finally {
    fit.model.dispose();
  }
}

function ending(fit: FitResult, cancelled: boolean): { status: "done" | "stopped"; reason: string } {
  if (cancelled) return { status: "stopped", reason: `cancelled at epoch ${fit.epochs}; best epoch ${fit.bestEpoch} kept` };
  if (fit.reason === "deadline") return { status: "stopped", reason: `budget ran out at epoch ${fit.epochs}; best epoch ${fit.bestEpoch} kept` };
  return { status: "done", reason: `${fit.reason} at epoch ${fit.epochs} (best ${fit.bestEpoch})` };
}

function scoreCandidate(run: RunRow, data: RunData, x: SelectedData["x"], fit: FitResult) {
  const valPred = fit.model.predict(x.valid);
  const testPred = fit.model.predict(x.test);
  return {
    valPred,
    valScore: score(run.metric, data.task, data.y.valid, valPred),
    testScore: score(run.metric, data.task, data.y.test, testPred),
    valMetrics: allMetrics(data.task, data.y.valid, valPred),
    testMetrics: allMetrics(data.task, data.y.test, testPred),
  };
}

/** Prediction latency per 1,000 rows on this machine, on test rows (the median of three timings). */
function measureLatency(fit: FitResult, x: Matrix): number {
  const rows = Math.min(1000, x.rows);
  const sample: Matrix = { rows, cols: x.cols, data: x.data.subarray(0, rows * x.cols) };
  const times = [0, 1, 2].map(() => {
    const t = performance.now();
    fit.model.predict(sample);
    return performance.now() - t;
  });
  return (times.sort((a, b) => a - b)[1] * 1000) / Math.max(rows, 1);
}

async function writeArchive(
  ctx: StudioContext,
  archiveKey: string,
  c: { run: RunRow; trial: TrialRow; data: RunData; selection: SelectionState; fit: FitResult; backend: string; valPred: Float32Array; valScore: number; testScore: number; valMetrics: Record<string, number>; testMetrics: Record<string, number> },
) {
  const dataset = await ctx.store.getDataset(c.run.datasetId);
  if (!dataset) throw new Error("the dataset of this run was deleted");
  await ctx.blobs.remove(archiveKey);
  const dir = await ctx.blobs.localPath(archiveKey);
  await fs.mkdir(dir, { recursive: true });
  await c.fit.model.save(path.join(dir, archiveFiles.model));
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
    features: { selection: c.selection.method, kept: c.selection.keptNames, of: c.selection.features.length },
    label: c.run.label,
    problemType: c.run.problemType,
    classes: c.data.task.classes,
    metric: c.run.metric,
    validation: { score: c.valScore, metrics: c.valMetrics, rows: c.data.split.valid.length },
    test: { score: c.testScore, metrics: c.testMetrics, rows: c.data.split.test.length },
    fittedOn: "training split; early stopping on the validation split; the test split was never seen by the search",
    epochs: c.fit.epochs,
    bestEpoch: c.fit.bestEpoch,
    backend: c.backend,
    versions: packageVersions(),
    createdAt: new Date().toISOString(),
  };
  await fs.writeFile(path.join(dir, archiveFiles.manifest), JSON.stringify(manifest, null, 2));
  await fs.writeFile(path.join(dir, archiveFiles.preprocessing), JSON.stringify(c.data.preprocessing));
  await fs.writeFile(path.join(dir, archiveFiles.split), JSON.stringify(c.data.split));
  await fs.writeFile(path.join(dir, archiveFiles.selection), JSON.stringify(c.selection));
  // validation predictions (out-of-fold once cross-validation exists), for ensembles
  await fs.writeFile(path.join(dir, "validation-predictions.bin"), Buffer.from(c.valPred.buffer, c.valPred.byteOffset, c.valPred.byteLength));
}

async function mustGetRun(ctx: StudioContext, id: string): Promise<RunRow> {
  const run = await ctx.store.getRun(id);
  if (!run) throw new Error(`run ${id} no longer exists`);
  return run;
}
