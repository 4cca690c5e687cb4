import type { Matrix, Task } from "../family";
import type { Metric } from "../../contracts/dataset";
import { greaterIsBetter, score } from "../../automl/estimation/metrics";
import type { Rng } from "../tfjs-mlp/rng";
import type { TargetScaler } from "./predict";

/**
 * Pieces of the epoch loop that both network families (tfjs-mlp/fit.ts, nas/fit.ts) run with the same semantics:
 * checking sample weights, standardising regression targets, the seeded training-metric sample, scoring an epoch,
 * early stopping and the reasons to stop.
 */

/** Throws unless there is one finite weight >= 0 per training row and they do not all vanish; `who` prefixes errors. */
export function checkSampleWeights(w: Float32Array, rows: number, who: string): void {
  if (w.length !== rows) throw new Error(`${who}: ${w.length} sample weights for ${rows} training rows`);
  let sum = 0;
  for (let i = 0; i < w.length; i++) {
    if (!(w[i] >= 0 && Number.isFinite(w[i]))) throw new Error(`${who}: sample weight ${w[i]} at row ${i} is not a finite number >= 0`);
    sum += w[i];
  }
  if (!(sum > 0)) throw new Error(`${who}: sample weights sum to 0`);
}

/** Early stopping: whether `value` improves on `bestValue`; NaN never does, and anything beats a NaN best. */
function isBetter(value: number, bestValue: number, higher: boolean): boolean {
  if (Number.isNaN(value)) return false;
  if (Number.isNaN(bestValue)) return true;
  return higher ? value > bestValue : value < bestValue;
}

/** The mean and standard deviation of a regression target (std 1 where it is 0 or not finite). */
export function fitScaler(y: Float32Array): TargetScaler {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i] - mean) ** 2;
  const std = Math.sqrt(ss / y.length);
  return { mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

/** At most n rows, drawn with rng and kept in their order; all of them when there are no more than n; null when none. */
export function sampleRows(x: Matrix, y: Float32Array, n: number, rng: Rng): { x: Matrix; y: Float32Array } | null {
  if (x.rows === 0) return null;
  if (x.rows <= n) return { x, y };
  const pick = rng.shuffle(new Uint32Array(x.rows).map((_, i) => i)).subarray(0, n).sort();
  const data = new Float32Array(n * x.cols);
  const ys = new Float32Array(n);
  pick.forEach((r, i) => {
    data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
    ys[i] = y[r];
  });
  return { x: { rows: n, cols: x.cols, data }, y: ys };
}

/** The part of a fitted network that scoring reads: its predictions (predict.ts) and what they are of. */
export interface Scored {
  predict(x: Matrix): Float32Array;
  readonly task: Task;
  readonly scaler: TargetScaler | null;
}

/**
 * Loss (as trained: cross-entropy, or squared error of the standardised target) and metric of the current model,
 * whose head has `outputs` units.
 */
export function evaluate(fitted: Scored, outputs: number, x: Matrix, y: Float32Array, metric: Metric | null): { loss: number; metric: number | null } {
  if (x.rows === 0) return { loss: NaN, metric: null };
  const pred = fitted.predict(x);
  const n = y.length;
  let loss = 0;
  if (fitted.task.type === "regression") {
    const std = fitted.scaler?.std ?? 1;
    for (let i = 0; i < n; i++) loss += ((pred[i] - y[i]) / std) ** 2;
  } else {
    const k = fitted.task.type === "binary" ? 2 : outputs;
    for (let i = 0; i < n; i++) loss -= Math.log(Math.min(Math.max(pred[i * k + y[i]], 1e-15), 1 - 1e-15));
  }
  return { loss: loss / n, metric: metric ? score(metric, fitted.task, y, pred) : null };
}

/** Early stopping's state between epochs (part of both families' checkpoints). */
export interface EarlyStopping {
  best: { value: number } | null;
  /** whether the metric (rather than a loss) is watched; null before the first epoch decided it */
  monitorMetric: boolean | null;
  badEpochs: number;
}

/**
 * Early stopping after an epoch: watches `watched` (shared/early-stopping.ts: stoppingMetric) where it is given and
 * val has a value of it, else `loss`. Returns the watched value when it improved on p.best (the caller then stores it
 * with its weights as the new best), else null.
 */
export function improvement(p: EarlyStopping, val: { loss: number; metric: number | null }, watched: Metric | null, loss: number): number | null {
  p.monitorMetric ??= watched !== null && val.metric !== null && Number.isFinite(val.metric);
  const value = p.monitorMetric ? val.metric! : loss;
  const higher = p.monitorMetric ? greaterIsBetter(watched as Metric) : false;
  if (!p.best || isBetter(value, p.best.value, higher)) {
    p.badEpochs = 0;
    return value;
  }
  p.badEpochs++;
  return null;
}

/** Why training ends after an epoch, checked in this order; null to go on. */
export function stopReason(decision: "continue" | "stop", outOfTime: boolean, deadline: number, trainLoss: number, patienceSpent: boolean): string | null {
  if (decision === "stop") return "stopped";
  if (outOfTime || Date.now() >= deadline) return "deadline";
  if (!Number.isFinite(trainLoss)) return "diverged";
  if (patienceSpent) return "early stopping";
  return null;
}
