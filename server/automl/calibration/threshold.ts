/**
 * Decision-threshold tuning for binary classifiers. Accuracy, balanced accuracy and F1 score hard decisions, and
 * the argmax (p1 >= 0.5) is only the best decision for accuracy with calibrated probabilities: on imbalanced data
 * F1 and balanced accuracy usually want a lower threshold. The threshold is chosen on the validation predictions,
 * among their distinct values (thinned to quantiles when there are many) and 0.5 itself, so the tuned metric is
 * never below the one at 0.5; ties go to the threshold closest to 0.5, the least surprising choice.
 */
import type { Metric } from "../../contracts/dataset";

export type ThresholdMetric = Extract<Metric, "accuracy" | "balanced_accuracy" | "f1">;

export const THRESHOLD_METRICS: readonly ThresholdMetric[] = ["accuracy", "balanced_accuracy", "f1"];

export interface ThresholdTuning {
  metric: ThresholdMetric;
  /** rows with p1 >= threshold are decided positive */
  threshold: number;
  /** the metric on the validation rows at 0.5 and at the tuned threshold */
  atDefault: number;
  atTuned: number;
}

/** at most this many candidate thresholds are scored */
const MAX_CANDIDATES = 512;
/** metric values closer than this are a tie (sums of ratios of counts can differ in the last bit) */
const TIE = 1e-12;

export function isThresholdMetric(metric: Metric): metric is ThresholdMetric {
  return (THRESHOLD_METRICS as readonly Metric[]).includes(metric);
}

/** The threshold on `p1` (positive-class probabilities) that maximises `metric` against the 0/1 labels `y`. */
export function tuneThreshold(metric: ThresholdMetric, y: ArrayLike<number>, p1: ArrayLike<number>): ThresholdTuning {
  const n = y.length;
  if (p1.length !== n) throw new Error(`threshold: ${n} labels but ${p1.length} probabilities`);
  if (n === 0) throw new Error("threshold: no rows to tune on");
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => p1[j] - p1[i]);
  let positives = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) positives++;
  const negatives = n - positives;
  const value = (tp: number, fp: number) => metricOf(metric, tp, fp, positives - tp, negatives - fp);

  // candidates high to low, so one sweep down the sorted rows counts the rows at or above each of them
  const candidates = [...new Set([...thinned(order.map((i) => p1[i])), 0.5])].sort((a, b) => b - a);
  let best = { threshold: 0.5, value: -Infinity };
  let atDefault = NaN;
  let tp = 0;
  let fp = 0;
  let r = 0;
  for (const t of candidates) {
    for (; r < n && p1[order[r]] >= t; r++) {
      if (y[order[r]] === 1) tp++;
      else fp++;
    }
    const v = value(tp, fp);
    if (t === 0.5) atDefault = v;
    const closer = Math.abs(t - 0.5) < Math.abs(best.threshold - 0.5);
    if (v > best.value + TIE || (v > best.value - TIE && closer)) best = { threshold: t, value: v };
  }
  return { metric, threshold: best.threshold, atDefault, atTuned: best.value };
}

/** The distinct values of `desc` (sorted high to low), or MAX_CANDIDATES of its quantiles when there are more. */
function thinned(desc: number[]): number[] {
  const distinct = desc.filter((v, i) => i === 0 || v !== desc[i - 1]);
  if (distinct.length <= MAX_CANDIDATES) return distinct;
  const out: number[] = [];
  for (let q = 0; q < MAX_CANDIDATES; q++) out.push(desc[Math.round((q * (desc.length - 1)) / (MAX_CANDIDATES - 1))]);
  return out;
}

/** The metric from the confusion counts, with metrics.ts's definitions (balanced accuracy over present classes). */
function metricOf(metric: ThresholdMetric, tp: number, fp: number, fn: number, tn: number): number {
  switch (metric) {
    case "accuracy":
      return (tp + tn) / (tp + fp + fn + tn);
    case "balanced_accuracy": {
      const recalls: number[] = [];
      if (tp + fn > 0) recalls.push(tp / (tp + fn));
      if (tn + fp > 0) recalls.push(tn / (tn + fp));
      return recalls.reduce((s, v) => s + v, 0) / recalls.length;
    }
    case "f1": {
      const denom = 2 * tp + fp + fn;
      return denom === 0 ? 0 : (2 * tp) / denom;
    }
  }
}
