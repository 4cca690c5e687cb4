/**
 * Whether to calibrate a classifier's probabilities, and how. Every option is judged by its log loss under K-fold
 * cross-fitting on the validation predictions themselves: fitted on K-1 folds, scored on the fold left out. A
 * calibrator fitted and scored on the same rows would always look better than none; out of fold, it only wins when
 * it fixes something real, and it is kept only when it wins by a margin. Isotonic regression needs many rows of
 * each class (it overfits small data, as scikit-learn's documentation warns), so it is a candidate only then.
 * The chosen calibrator is then refitted on all the validation rows; its out-of-fold probabilities are what a
 * candidate's validation score is measured on, so calibration never flatters the leaderboard.
 */
import type { Task } from "../../models/family";
import { createRng } from "../rng";
import { score } from "../estimation/metrics";
import { applyCalibration, type CalibrationKind, type CalibrationState } from "./calibration-state";
import { fitIsotonic } from "./isotonic";
import { fitPlatt } from "./platt";
import { fitTemperature } from "./temperature";

const FOLDS = 5;
/** a calibrator is kept only when it lowers the out-of-fold log loss by at least this fraction */
const MIN_RELATIVE_GAIN = 0.01;
const ISOTONIC_MIN_ROWS = 200;
const ISOTONIC_MIN_PER_CLASS = 20;

export interface CalibrationChoice {
  state: CalibrationState;
  /** the validation probabilities as the chosen option gives them, each row by a calibrator not fitted on it */
  outOfFold: Float32Array;
}

/**
 * The calibration for validation probabilities `probs` (row-major rows x k) of class codes `y`, with the
 * out-of-fold log loss of every option tried in `report.logLoss`. `seed` draws the folds.
 */
export function chooseCalibration(task: Task, y: Float32Array, probs: Float32Array, seed: number): CalibrationChoice {
  if (task.type === "regression") throw new Error("calibration applies to classification tasks, not regression");
  const n = y.length;
  const k = probs.length / n;
  if (n === 0 || !Number.isInteger(k)) throw new Error(`calibration: ${probs.length} probabilities for ${n} rows`);
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) counts[y[i]]++;
  const logLoss: Partial<Record<CalibrationKind, number>> = { none: score("logloss", task, y, probs) };
  // cross-fitting needs rows of every fold in training: with fewer rows than folds, or one class, keep the model's own
  const none = { state: { kind: "none" as const, report: { logLoss } }, outOfFold: probs };
  if (n < 2 * FOLDS || counts.filter((c) => c > 0).length < 2) return none;

  const candidates: CalibrationKind[] =
    task.type === "multiclass"
      ? ["temperature"]
      : n >= ISOTONIC_MIN_ROWS && Math.min(...counts) >= ISOTONIC_MIN_PER_CLASS
        ? ["platt", "isotonic"]
        : ["platt"];
  const fold = stratifiedFolds(y, seed);
  let best: CalibrationKind = "none";
  let bestOutOfFold = probs;
  for (const kind of candidates) {
    const oof = new Float32Array(probs.length);
    for (let f = 0; f < FOLDS; f++) {
      const train: number[] = [];
      const held: number[] = [];
      for (let i = 0; i < n; i++) (fold[i] === f ? held : train).push(i);
      const state = fit(kind, rowsOf(probs, k, train), k, Float32Array.from(train, (i) => y[i]));
      const calibrated = applyCalibration(state, rowsOf(probs, k, held), k);
      held.forEach((i, r) => oof.set(calibrated.subarray(r * k, (r + 1) * k), i * k));
    }
    logLoss[kind] = score("logloss", task, y, oof);
    if (logLoss[kind]! < logLoss[best]!) {
      best = kind;
      bestOutOfFold = oof;
    }
  }
  if (best === "none" || logLoss[best]! > logLoss.none! * (1 - MIN_RELATIVE_GAIN)) return none;
  return { state: { ...fit(best, probs, k, y), report: { logLoss } }, outOfFold: bestOutOfFold };
}

function fit(kind: CalibrationKind, probs: Float32Array, k: number, y: Float32Array): CalibrationState {
  switch (kind) {
    case "none":
      return { kind };
    case "temperature":
      return { kind, t: fitTemperature(probs, k, y) };
    case "platt":
      return { kind, ...fitPlatt(positiveColumn(probs), y) };
    case "isotonic":
      return { kind, ...fitIsotonic(positiveColumn(probs), y) };
  }
}

/** Fold of each row: each class's rows shuffled and dealt round the folds in turn, continuing across classes. */
function stratifiedFolds(y: Float32Array, seed: number): Int32Array {
  const rng = createRng(seed);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < y.length; i++) {
    const rows = byClass.get(y[i]) ?? [];
    rows.push(i);
    byClass.set(y[i], rows);
  }
  const fold = new Int32Array(y.length);
  let next = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c)!;
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    for (const r of rows) fold[r] = next++ % FOLDS;
  }
  return fold;
}

function rowsOf(probs: Float32Array, k: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * k);
  rows.forEach((i, r) => out.set(probs.subarray(i * k, (i + 1) * k), r * k));
  return out;
}

function positiveColumn(probs: Float32Array): Float32Array {
  const out = new Float32Array(probs.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = probs[2 * i + 1];
  return out;
}
