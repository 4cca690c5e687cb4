import type { Metric } from "../../contracts/dataset";
import type { Task } from "../../models/family";

/**
 * Scores of predictions against the truth, with scikit-learn's definitions.
 * `yTrue` holds class codes (classification) or targets (regression); `pred` holds row-major probabilities
 * rows x classes for classification (binary: rows x 2, column 1 is the positive class, classes[1]) and one value
 * per row for regression. A metric that is undefined for the data (AUC with one class present) is NaN.
 */

const LOWER_IS_BETTER: ReadonlySet<Metric> = new Set<Metric>(["logloss", "rmse", "mae"]);

export const METRICS_BY_TASK: Record<Task["type"], readonly Metric[]> = {
  binary: ["auc", "pr_auc", "logloss", "accuracy", "balanced_accuracy", "f1"],
  multiclass: ["logloss", "accuracy", "balanced_accuracy"],
  regression: ["rmse", "mae", "r2"],
};

export function greaterIsBetter(metric: Metric): boolean {
  return !LOWER_IS_BETTER.has(metric);
}

export function metricsFor(task: Pick<Task, "type">): readonly Metric[] {
  return METRICS_BY_TASK[task.type];
}

/** Scoring options. `threshold` (binary only): rows with p1 >= threshold are decided positive, instead of the argmax. */
export interface ScoreOptions {
  threshold?: number;
}

export function score(metric: Metric, task: Task, yTrue: Float32Array, pred: Float32Array, options?: ScoreOptions): number {
  if (!METRICS_BY_TASK[task.type].includes(metric)) {
    throw new Error(`metric ${metric} does not apply to a ${task.type} task (use one of ${METRICS_BY_TASK[task.type].join(", ")})`);
  }
  const n = yTrue.length;
  const k = task.type === "regression" ? 1 : numClasses(task);
  if (pred.length !== n * k) {
    throw new Error(`expected ${n * k} predictions (${n} rows x ${k}), got ${pred.length}`);
  }
  if (n === 0) return NaN;
  const decided = () => (task.type === "binary" && options?.threshold !== undefined ? thresholdRows(pred, options.threshold) : argmaxRows(pred, k));
  switch (metric) {
    case "auc":
      return rocAuc(yTrue, positiveColumn(pred));
    case "pr_auc":
      return averagePrecision(yTrue, positiveColumn(pred));
    case "logloss":
      return logLoss(yTrue, pred, k);
    case "accuracy":
      return accuracy(yTrue, decided());
    case "balanced_accuracy":
      return balancedAccuracy(yTrue, decided(), k);
    case "f1":
      return f1(yTrue, decided());
    case "rmse":
      return Math.sqrt(meanOf(n, (i) => (yTrue[i] - pred[i]) ** 2));
    case "mae":
      return meanOf(n, (i) => Math.abs(yTrue[i] - pred[i]));
    case "r2":
      return r2(yTrue, pred);
  }
}

/** Every metric that applies to the task, by name. */
export function allMetrics(task: Task, yTrue: Float32Array, pred: Float32Array, options?: ScoreOptions): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of METRICS_BY_TASK[task.type]) out[m] = score(m, task, yTrue, pred, options);
  return out;
}

function numClasses(task: Task): number {
  return task.type === "binary" ? 2 : Math.max(task.classes.length, 2);
}

function meanOf(n: number, f: (i: number) => number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += f(i);
  return s / n;
}

function positiveColumn(pred: Float32Array): Float64Array {
  const n = pred.length / 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = pred[2 * i + 1];
  return out;
}

/** The predicted class of each row: the first column with the highest probability. */
export function argmaxRows(pred: Float32Array, k: number): Int32Array {
  const n = pred.length / k;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (pred[i * k + c] > pred[i * k + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * The predicted class of each binary row (rows x 2): 1 where the positive column is at least `threshold`. The
 * threshold is compared at float32 precision, as the probabilities are stored: 0.35 then includes a row of 0.35.
 */
function thresholdRows(pred: Float32Array, threshold: number): Int32Array {
  const t = Math.fround(threshold);
  const out = new Int32Array(pred.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = pred[2 * i + 1] >= t ? 1 : 0;
  return out;
}

/**
 * The scores of the positive rows and of the others, each sorted ascending. Sorting plain numbers runs natively, where
 * sorting row indices by score would call a comparator per comparison (10x slower), and ranking metrics are scored
 * every boosting round on the training sample; both metrics below merge the two lists instead.
 */
function scoresByLabel(y: Float32Array, s: Float64Array): { pos: Float64Array; neg: Float64Array } {
  let positives = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) positives++;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(y.length - positives);
  for (let i = 0, p = 0, q = 0; i < y.length; i++) {
    if (y[i] === 1) pos[p++] = s[i];
    else neg[q++] = s[i];
  }
  return { pos: pos.sort(), neg: neg.sort() };
}

/**
 * Area under the ROC curve as the Mann-Whitney U statistic: the share of (positive, negative) pairs that the scores
 * order correctly, a tie counting half. Undefined (NaN) with one class only or with a NaN score.
 */
function rocAuc(y: Float32Array, s: Float64Array): number {
  const { pos, neg } = scoresByLabel(y, s);
  if (pos.length === 0 || neg.length === 0 || Number.isNaN(pos[pos.length - 1]) || Number.isNaN(neg[neg.length - 1])) return NaN;
  let u = 0;
  let below = 0; // negatives scored below the current positive score
  for (let i = 0; i < pos.length; ) {
    const v = pos[i];
    const first = i;
    while (i < pos.length && pos[i] === v) i++;
    while (below < neg.length && neg[below] < v) below++;
    let tied = 0;
    while (below + tied < neg.length && neg[below + tied] === v) tied++;
    u += (i - first) * (below + tied / 2);
  }
  return u / (pos.length * neg.length);
}

/** Average precision: sum over distinct thresholds (high to low) of (R_n - R_{n-1}) * P_n. */
function averagePrecision(y: Float32Array, s: Float64Array): number {
  const { pos, neg } = scoresByLabel(y, s);
  if (pos.length === 0 || Number.isNaN(pos[pos.length - 1]) || (neg.length > 0 && Number.isNaN(neg[neg.length - 1]))) return NaN;
  // walk both lists from their highest score down, a threshold at each distinct score
  let p = pos.length;
  let q = neg.length;
  let prevRecall = 0;
  let ap = 0;
  while (p > 0 || q > 0) {
    const t = Math.max(p > 0 ? pos[p - 1] : -Infinity, q > 0 ? neg[q - 1] : -Infinity);
    while (p > 0 && pos[p - 1] === t) p--;
    while (q > 0 && neg[q - 1] === t) q--;
    const tp = pos.length - p;
    const recall = tp / pos.length;
    ap += (recall - prevRecall) * (tp / (tp + neg.length - q));
    prevRecall = recall;
  }
  return ap;
}

const EPS = 1e-15;

function logLoss(y: Float32Array, pred: Float32Array, k: number): number {
  return meanOf(y.length, (i) => {
    const p = pred[i * k + y[i]];
    return -Math.log(Math.min(Math.max(p, EPS), 1 - EPS));
  });
}

function accuracy(y: Float32Array, cls: Int32Array): number {
  return meanOf(y.length, (i) => (cls[i] === y[i] ? 1 : 0));
}

/** Mean recall over the classes present in y (scikit-learn ignores the absent ones). */
function balancedAccuracy(y: Float32Array, cls: Int32Array, k: number): number {
  const support = new Float64Array(k);
  const hits = new Float64Array(k);
  for (let i = 0; i < y.length; i++) {
    support[y[i]]++;
    if (cls[i] === y[i]) hits[y[i]]++;
  }
  return meanRecall(support, hits);
}

/** The mean of hits / support over the classes with support (balanced accuracy from per-class tallies). */
export function meanRecall(support: Float64Array, hits: Float64Array): number {
  let sum = 0;
  let present = 0;
  for (let c = 0; c < support.length; c++) {
    if (support[c] > 0) {
      sum += hits[c] / support[c];
      present++;
    }
  }
  return sum / present;
}

/** F1 of the positive class (code 1); 0 when there are no true and no predicted positives. */
function f1(y: Float32Array, cls: Int32Array): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    if (cls[i] === 1 && y[i] === 1) tp++;
    else if (cls[i] === 1) fp++;
    else if (y[i] === 1) fn++;
  }
  const denom = 2 * tp + fp + fn;
  return denom === 0 ? 0 : (2 * tp) / denom;
}

/** Coefficient of determination; with a constant target, 1 for a perfect fit and 0 otherwise (as scikit-learn). */
function r2(y: Float32Array, pred: Float32Array): number {
  const n = y.length;
  const mean = meanOf(n, (i) => y[i]);
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < n; i++) {
    ssRes += (y[i] - pred[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0;
  return 1 - ssRes / ssTot;
}
