/**
 * Whether to calibrate a classifier's probabilities, and how. Every option is judged by its log loss under K-fold
 * cross-fitting on the validation predictions themselves: fitted on K-1 folds, scored on the fold left out. A
 * calibrator fitted and scored on the same rows would always look better than none; out of fold, it only wins when
 * it fixes something real, and it is kept only when it wins by a margin and by more than one standard error of the
 * per-row differences (Breiman's one-standard-error rule: the simpler option, no calibrator, unless the other is
 * clearly better). Log loss is heavy-tailed: on nearly separable data a handful of misclassified rows carry most of it, and a
 * temperature below 1 fitted on thousands of certain rows sharpens them all a little while costing those few rows a
 * lot. How many such rows validation holds is luck, so a gain that rests on a few rows of the tail is noise, and
 * fresh rows pay for it (shuttle, seed 0: a boosted model's 9,280 validation rows had no miss above 1.7 nats, and
 * T = 0.77 won by 7.5% out of fold, within one standard error; on the test rows, three misses at 4.9 to 5.0 nats became
 * misses at 6.3 to 6.5 and the log loss rose from 0.0014 to 0.0017). Isotonic regression needs many rows of
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
/** ... and by at least this many standard errors of the mean per-row gain (the one-standard-error rule) */
const MIN_STANDARD_ERRORS = 1;
/** probabilities are clipped here before their log, as metrics.ts's logloss clips them */
const LOG_LOSS_EPS = 1e-15;
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
  const noneRows = rowLogLoss(y, probs, k);
  let best: CalibrationKind = "none";
  let bestOutOfFold = probs;
  let bestClear = false;
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
      bestClear = clearGain(noneRows, rowLogLoss(y, oof, k));
    }
  }
  if (best === "none" || logLoss[best]! > logLoss.none! * (1 - MIN_RELATIVE_GAIN) || !bestClear) return none;
  return { state: { ...fit(best, probs, k, y), report: { logLoss } }, outOfFold: bestOutOfFold };
}

/** Each row's log loss, clipped as metrics.ts's logloss is (their mean is that score). */
function rowLogLoss(y: Float32Array, probs: Float32Array, k: number): Float64Array {
  return Float64Array.from(y, (c, i) => -Math.log(Math.min(Math.max(probs[i * k + c], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS)));
}

/**
 * Whether the mean per-row gain of `after` over `before` exceeds MIN_STANDARD_ERRORS standard errors of that mean
 * (the sample standard deviation of the paired differences over the square root of the row count).
 */
export function clearGain(before: Float64Array, after: Float64Array): boolean {
  const n = before.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += before[i] - after[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (before[i] - after[i] - mean) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  return mean > MIN_STANDARD_ERRORS * se;
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
