/**
 * Curves and tables of a classifier's predictions on held-out rows, with scikit-learn's definitions:
 * `roc_curve` (one point per distinct threshold, starting at (0, 0)), `precision_recall_curve` and
 * `average_precision_score`, `confusion_matrix`. The areas are computed on every point, before the curves are thinned
 * for the browser, so they equal the run's metrics (`auc`, `pr_auc` in estimation/metrics.ts).
 */

/** the most points a curve sends (the first and last always among them) */
export const MAX_CURVE_POINTS = 200;

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** predicted as positive when p1 >= threshold; null for the first point (nothing predicted positive) */
  threshold: number | null;
}

export interface PrPoint {
  recall: number;
  precision: number;
  /** predicted as positive when p1 >= threshold; null for the first point (recall 0, precision 1 by convention) */
  threshold: number | null;
}

/** sorted by increasing false positive rate; auc NaN when y has one class only (points then empty) */
export interface RocCurve {
  points: RocPoint[];
  auc: number;
}

/** sorted by increasing recall; averagePrecision NaN without positives (points then empty) */
export interface PrCurve {
  points: PrPoint[];
  averagePrecision: number;
}

/** at each distinct score, high to low: the true and false positives of predicting positive at and above it */
function cumulativeCounts(y: ArrayLike<number>, p1: ArrayLike<number>): { tps: number[]; fps: number[]; thresholds: number[] } {
  if (y.length !== p1.length) throw new Error(`${y.length} labels for ${p1.length} scores`);
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p1[b] - p1[a]);
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; ) {
    const s = p1[order[i]];
    let j = i;
    while (j < n && p1[order[j]] === s) {
      if (y[order[j]] === 1) tp++;
      else fp++;
      j++;
    }
    tps.push(tp);
    fps.push(fp);
    thresholds.push(s);
    i = j;
  }
  return { tps, fps, thresholds };
}

/** The ROC curve of the positive class's probability p1 against y (codes 0/1), and its area (trapezoidal, as scikit-learn's). */
export function rocCurve(y: ArrayLike<number>, p1: ArrayLike<number>): RocCurve {
  const { tps, fps, thresholds } = cumulativeCounts(y, p1);
  const pos = tps.at(-1) ?? 0;
  const neg = fps.at(-1) ?? 0;
  if (pos === 0 || neg === 0) return { points: [], auc: NaN };
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: null }];
  for (let i = 0; i < tps.length; i++) points.push({ fpr: fps[i] / neg, tpr: tps[i] / pos, threshold: thresholds[i] });
  let auc = 0;
  for (let i = 1; i < points.length; i++) auc += ((points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr)) / 2;
  return { points: thin(points), auc };
}

/**
 * The precision-recall curve of p1 against y (codes 0/1), and the average precision: the sum over thresholds of
 * (R_n - R_{n-1}) * P_n, a step function without interpolation (scikit-learn's).
 */
export function prCurve(y: ArrayLike<number>, p1: ArrayLike<number>): PrCurve {
  const { tps, fps, thresholds } = cumulativeCounts(y, p1);
  const pos = tps.at(-1) ?? 0;
  if (pos === 0) return { points: [], averagePrecision: NaN };
  const points: PrPoint[] = [{ recall: 0, precision: 1, threshold: null }];
  let ap = 0;
  for (let i = 0; i < tps.length; i++) {
    const recall = tps[i] / pos;
    const precision = tps[i] / (tps[i] + fps[i]);
    ap += (recall - points[points.length - 1].recall) * precision;
    points.push({ recall, precision, threshold: thresholds[i] });
  }
  return { points: thin(points), averagePrecision: ap };
}

/** counts[t][p]: rows of true class t predicted as class p (rows = true class, as scikit-learn's); codes outside 0..k-1 are skipped */
export function confusionMatrix(y: ArrayLike<number>, predicted: ArrayLike<number>, k: number): number[][] {
  if (y.length !== predicted.length) throw new Error(`${y.length} labels for ${predicted.length} predictions`);
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < y.length; i++) {
    const t = y[i];
    const p = predicted[i];
    if (Number.isInteger(t) && Number.isInteger(p) && t >= 0 && t < k && p >= 0 && p < k) m[t][p]++;
  }
  return m;
}

/** at most `max` points, evenly spaced by index, the first and last kept */
export function thin<T>(points: T[], max = MAX_CURVE_POINTS): T[] {
  if (points.length <= max) return points;
  if (max < 2) return points.slice(0, max);
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))]);
}
