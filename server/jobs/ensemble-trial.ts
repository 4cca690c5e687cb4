import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { StudioContext } from "../context";
import type { RunRow, TrialRow } from "../db/store";
import { greaterIsBetter, score } from "../automl/estimation/metrics";
import { crossFittedEnsemble, greedyEnsemble } from "../automl/ensemble/greedy-selection";
import { makeFolds } from "../data/folds";
import { deriveSeed } from "../automl/rng";
import { archiveFiles, readManifest } from "../export/archive-files";
import { loadPredictor } from "../export/archive-predictor";
import { packageVersions, type Manifest } from "../export/manifest";
import { stackingFeatures } from "../models/ensemble/combine";
import { ENSEMBLE_FAMILY, ensembleFiles, EnsembleMethod, type EnsembleSpec } from "../models/ensemble/ensemble-spec";
import { fitStacker } from "../models/ensemble/stacker";
import { keys } from "../storage/keys";
import { candidateScores, manifestTest, measureLatency, type CandidateScores } from "./candidate-scores";
import { loadRunData, type RunData } from "./run-data";
import { timingRows } from "./candidate-data";
import { calibrateCandidate, thresholdOf } from "./calibrate-candidate";
import { explainPredictions } from "./explain-candidate";
import { checkConstraints } from "./serving-constraints";

/** the best candidates an ensemble chooses among: more add little but cost a prediction each (AutoGluon keeps ~25) */
const MAX_MEMBERS = 20;

/**
 * The ensembles a finished search adds to its leaderboard, one row each: greedy ensemble selection over the best
 * candidates' validation predictions, and a linear stacker over the members greedy selection chose. An ensemble
 * needs two candidates with complete validation predictions; fewer, and the run has none.
 */
export async function ensembleCandidates(ctx: StudioContext, run: RunRow, trials: TrialRow[]): Promise<TrialRow[]> {
  // an infeasible member would make the ensemble at least as large and slow as itself
  const eligible = trials.filter((t) => t.family !== ENSEMBLE_FAMILY && t.status === "done" && t.valScore != null && Number.isFinite(t.valScore) && t.infeasibleReason === null);
  const withPredictions: TrialRow[] = [];
  for (const t of ranked(eligible, run)) {
    if (withPredictions.length === MAX_MEMBERS) break;
    if (await ctx.blobs.exists(validationPredictionsKey(run, t))) withPredictions.push(t);
  }
  return withPredictions.length >= 2 ? withPredictions : [];
}

/** Builds ensemble trial `trial` (params.method) from the run's finished candidates, scores it and writes its archive. */
export async function buildEnsembleTrial(ctx: StudioContext, trial: TrialRow, job: { backend: string; onBeat: () => Promise<boolean> }): Promise<void> {
  const started = performance.now();
  const run = await ctx.store.getRun(trial.runId);
  if (!run) throw new Error(`run ${trial.runId} no longer exists`);
  await ctx.store.updateTrial(trial.id, { status: "running", startedAt: new Date(), reason: "combining the best candidates' validation predictions" });
  const method = EnsembleMethod.parse(trial.params.method);
  const data = await loadRunData(ctx, run);
  const pool = await ensembleCandidates(ctx, run, await ctx.store.listTrials(run.id));
  if (pool.length < 2) throw new Error("an ensemble needs at least two finished candidates with complete validation predictions");
  const val = await validationSet(ctx, run, data, pool);
  const scoreOf = (pred: Float32Array) => score(run.metric, data.task, val.y, pred);
  const greedy = greedyEnsemble(pool.map((t, i) => ({ id: t.id, pred: val.preds[i] })), scoreOf, greaterIsBetter(run.metric) ? "maximize" : "minimize");
  const chosen = pool.filter((t) => greedy.weights.has(t.id));
  const chosenPreds = chosen.map((t) => val.preds[pool.indexOf(t)]);
  const stacker =
    method === "stacking" ? await fitStacker({ task: data.task, metric: run.metric, z: stackingFeatures(chosenPreds, data.task), y: val.y, seed: deriveSeed(run.seed, "stacker") }) : null;
  await job.onBeat();
  const members = chosen.map((t) => ({ trialId: t.id, number: t.number, family: t.family, weight: stacker ? 1 / chosen.length : greedy.weights.get(t.id)!, folder: String(t.number) }));
  const spec: EnsembleSpec = { version: 1, method, members };
  // the validation predictions the ensemble is scored and calibrated on: each row's from a combination not chosen on it
  const combined = stacker ? stacker.oofPred : crossFittedGreedy(run, data, val, pool);
  const calibration = calibrateCandidate(run.metric, data.task, val.y, combined, deriveSeed(run.seed, "calibration", trial.number));
  const dir = await writeArchive(ctx, run, trial, spec, stacker?.model ?? null);
  stacker?.model.dispose();
  if (calibration) await fs.writeFile(path.join(dir, archiveFiles.calibration), JSON.stringify(calibration.state));
  // the predictor applies the calibration just written, as every later prediction will
  const predictor = await loadPredictor(dir);
  try {
    const test = { y: Float32Array.from(data.split.test, (r) => data.y[r]), pred: data.split.test.length > 0 ? predictor.predict(data.table, data.split.test) : new Float32Array(0) };
    const valPred = calibration?.valPred ?? combined;
    const scores = candidateScores(run.metric, data.task, { y: val.y, pred: valPred }, test, deriveSeed(run.seed, "bootstrap", trial.number), thresholdOf(calibration));
    await completeManifest(dir, scores, { validationRows: val.y.length, testRows: test.y.length, backend: job.backend });
    const importance = { baseline: null, rowsUsed: 0, repeats: 1, features: [], note: `Permutation importance is measured per model: see this ensemble's members (${members.map((m) => `#${m.number}`).join(", ")}).` };
    const explanation = explainPredictions({ task: data.task, metric: run.metric, seed: deriveSeed(run.seed, "explain", trial.number), y: val.y, pred: valPred, importance });
    await ctx.blobs.put(keys.trialExplanation(run.id, trial.id), JSON.stringify(explanation));
    const archiveKey = keys.trialArchive(run.id, trial.id);
    const timed = timingRows(data);
    const costs = {
      archiveBytes: await ctx.blobs.size(archiveKey),
      // its members' training is theirs, each within the limit: the ensemble's own is only combining them
      trainSeconds: (performance.now() - started) / 1000,
      predictMsPer1k: measureLatency(timed.length, (rows) => predictor.predict(data.table, timed.slice(0, rows))),
    };
    await ctx.store.updateTrial(trial.id, {
      status: "done",
      reason: [describe(spec, pool.length, stacker?.epochs), calibration?.note].filter(Boolean).join("; "),
      ...scores,
      epochs: 0,
      bestEpoch: 0,
      paramCount: chosen.reduce((a, t) => a + (t.paramCount ?? 0), 0),
      ...costs,
      infeasibleReason: checkConstraints(run, costs).reason,
      finishedAt: new Date(),
    });
  } finally {
    predictor.dispose();
  }
}

/** folds of the cross-fitting that scores greedy selection, as the stacker's */
const ENSEMBLE_FOLDS = 5;

/** the validation rows' labels, each candidate's predictions of them, and how many values a prediction has per row */
type ValidationSet = { y: Float32Array; preds: Float32Array[]; width: number };

function crossFittedGreedy(run: RunRow, data: RunData, val: ValidationSet, pool: TrialRow[]): Float32Array {
  const n = val.y.length;
  const folds = makeFolds({ y: val.y, rows: Array.from({ length: n }, (_, r) => r), problemType: data.task.type, seed: deriveSeed(run.seed, "ensemble"), k: Math.min(ENSEMBLE_FOLDS, n) });
  const scoreOn = (rows: readonly number[]) => {
    const y = Float32Array.from(rows, (r) => val.y[r]);
    return (pred: Float32Array) => score(run.metric, data.task, y, pred);
  };
  return crossFittedEnsemble(pool.map((t, i) => ({ id: t.id, pred: val.preds[i] })), val.width, folds, scoreOn, greaterIsBetter(run.metric) ? "maximize" : "minimize");
}

function describe(spec: EnsembleSpec, poolSize: number, stackerEpochs: number | undefined): string {
  const names = spec.members.map((m) => `#${m.number} ${m.family}`);
  if (spec.method === "stacking") {
    return `stacking: a linear model over the out-of-fold predictions of ${names.join(", ")} (chosen by greedy selection among the best ${poolSize}); scored by 5-fold cross-fitting, refit for ${stackerEpochs} iterations`;
  }
  const weighted = spec.members.map((m, i) => `${names[i]} ×${m.weight.toFixed(2)}`);
  return `greedy ensemble selection among the best ${poolSize} candidates: ${weighted.join(", ")}; scored by 5-fold cross-fitting (each fold's rows by the selection made on the others)`;
}

function ranked(trials: TrialRow[], run: RunRow): TrialRow[] {
  const sign = greaterIsBetter(run.metric) ? -1 : 1;
  return [...trials].sort((a, b) => sign * ((a.valScore as number) - (b.valScore as number)) || a.number - b.number);
}

const validationPredictionsKey = (run: RunRow, t: TrialRow) => `${keys.trialArchive(run.id, t.id)}/${archiveFiles.validationPredictions}`;

/** the labels of every validation row in ascending row order, and each candidate's predictions of them in that order */
async function validationSet(ctx: StudioContext, run: RunRow, data: RunData, pool: TrialRow[]): Promise<ValidationSet> {
  const rows = (data.split.folds ? data.split.folds.flat() : data.split.valid).slice().sort((a, b) => a - b);
  const width = data.task.type === "regression" ? 1 : data.task.classes.length;
  const preds: Float32Array[] = [];
  for (const t of pool) {
    const bytes = await ctx.blobs.get(validationPredictionsKey(run, t));
    const pred = new Float32Array(new Uint8Array(bytes).buffer);
    if (pred.length !== rows.length * width) throw new Error(`candidate #${t.number}'s validation predictions cover ${pred.length / width} rows, the run has ${rows.length}`);
    preds.push(pred);
  }
  return { y: Float32Array.from(rows, (r) => data.y[r]), preds, width };
}

/**
 * The ensemble's archive: each member's whole archive under members/<number>/, ensemble.json, the stacker, and the
 * files every archive has (the first member's preprocessing says which columns a prediction table needs: every
 * member was fitted on the same table). The manifest's scores are filled in once the archive can predict.
 */
async function writeArchive(ctx: StudioContext, run: RunRow, trial: TrialRow, spec: EnsembleSpec, stacker: { save(dir: string): Promise<void> } | null): Promise<string> {
  const archiveKey = keys.trialArchive(run.id, trial.id);
  await ctx.blobs.remove(archiveKey);
  const dir = await ctx.blobs.localPath(archiveKey);
  await fs.mkdir(path.join(dir, ensembleFiles.members), { recursive: true });
  const manifests: Manifest[] = [];
  for (const m of spec.members) {
    const from = await ctx.blobs.localPath(keys.trialArchive(run.id, m.trialId));
    const to = path.join(dir, ensembleFiles.members, m.folder);
    // the model payloads (one model's, or a bag's folds) are linked, not copied: they are large and never rewritten
    const linked = [archiveFiles.model, archiveFiles.folds].filter((name) => existsSync(path.join(from, name)));
    const skipped = new Set([...linked, archiveFiles.validationPredictions].map((name) => path.join(from, name)));
    await fs.cp(from, to, { recursive: true, filter: (src) => !skipped.has(src) });
    for (const name of linked) await linkTree(path.join(from, name), path.join(to, name));
    manifests.push(await readManifest(to));
  }
  const first = path.join(dir, ensembleFiles.members, spec.members[0].folder);
  await fs.copyFile(path.join(first, archiveFiles.preprocessing), path.join(dir, archiveFiles.preprocessing));
  await fs.copyFile(path.join(first, archiveFiles.split), path.join(dir, archiveFiles.split));
  await fs.writeFile(path.join(dir, ensembleFiles.spec), JSON.stringify(spec, null, 2));
  if (stacker) await stacker.save(path.join(dir, ensembleFiles.stacker));
  const base = manifests[0];
  const kept = [...new Set(manifests.flatMap((m) => m.features.kept))];
  const manifest: Manifest = {
    ...base,
    candidateId: trial.id,
    trialNumber: trial.number,
    family: ENSEMBLE_FAMILY,
    spaceVersion: trial.spaceVersion,
    hyperparameters: { ...trial.params, members: spec.members.map((m) => m.number).join(",") },
    trainingSeed: deriveSeed(run.seed, "stacker"),
    features: { selection: "each member's own", kept, of: base.features.of },
    fittedOn: `its members' models (each refit on all non-test rows, or the bag of its fold models); ${spec.method === "stacking" ? "the stacker on" : "the weights chosen on"} their out-of-fold validation predictions`,
    refit: null,
    epochs: 0,
    bestEpoch: 0,
    versions: packageVersions(),
    createdAt: new Date().toISOString(),
  };
  await fs.writeFile(path.join(dir, archiveFiles.manifest), JSON.stringify(manifest, null, 2));
  return dir;
}

/**
 * Hard links of every file under `from` at the same paths under `to`: a member's model payload, which its trial wrote
 * once and nothing rewrites, and which is hundreds of MB for a deep forest (diamonds' ensembles were 275 MB copies
 * each). A link that cannot be made (another file system) is a copy.
 */
async function linkTree(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { recursive: true });
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const [src, dst] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) await linkTree(src, dst);
    else await fs.link(src, dst).catch(() => fs.copyFile(src, dst));
  }
}

async function completeManifest(dir: string, s: CandidateScores, c: { validationRows: number; testRows: number; backend: string }) {
  const manifest = await readManifest(dir);
  manifest.validation = { ...manifest.validation, score: s.valScore, metrics: s.valMetrics, rows: c.validationRows, stdError: s.valScoreSe ?? undefined, complete: true };
  manifest.test = manifestTest(s, c.testRows);
  manifest.backend = c.backend;
  await fs.writeFile(path.join(dir, archiveFiles.manifest), JSON.stringify(manifest, null, 2));
}
