import { createRng, deriveSeed } from "../automl/rng";
import type { Task } from "../models/family";

/**
 * Target encoding of one categorical column (scikit-learn's TargetEncoder design): a category becomes the label's
 * statistic over the training rows that have it, blended with the prior so a rare category is not trusted blindly.
 *   binary:     one output, smoothed P(y = classes[1] | category)
 *   multiclass: one output per class, smoothed P(class | category)
 *   regression: one output, smoothed mean of y over the category
 * Smoothing is the m-estimate: (sum + m * prior) / (count + m) with m = TARGET_SMOOTHING, i.e. a category's own
 * statistic gets weight count / (count + m): half at 10 rows, 91% at 100. A missing cell is a category of its own.
 *
 * The training rows must not see their own label through the encoding (a model would memorise it, most of all in a
 * column of near-unique values), so they are encoded out of fold: rows are dealt into TARGET_FOLDS seeded folds and
 * each row gets the statistics of the other folds only. Every other row (validation, test, prediction) uses the
 * statistics of all training rows. The prior is the whole training set's, the same number for every row, so it
 * carries nothing about any one row's label.
 */

export const TARGET_SMOOTHING = 10;
export const TARGET_FOLDS = 5;

/** a category's key; null is a missing cell */
export type CategoryKey = string | null;

export interface TargetEncoding {
  /** one entry per output: the class name (multiclass) or null (binary, regression) */
  outputs: (string | null)[];
  /** every category seen in the training rows (missing cells excluded), by training count then string */
  categories: string[];
  /** per category, its smoothed statistic per output, from all training rows */
  values: number[][];
  /** the missing cell's statistic, smoothed like a category (the prior when training had no missing cell) */
  missing: number[];
  /** the statistic of a category not seen in training: the training prior */
  prior: number[];
  /** out-of-fold encodings of the training rows, row-major rows x outputs, in the order given */
  train: Float64Array;
}

/**
 * Fits the encoding on the training rows: keys[i] and y[i] are row i's category and label (class code for
 * classification, value for regression). `seed` deals the folds; the same seed and rows give the same folds.
 */
export function fitTargetEncoding(keys: CategoryKey[], y: ArrayLike<number>, task: Task, seed: number): TargetEncoding {
  const n = keys.length;
  if (y.length !== n) throw new Error(`fitTargetEncoding: ${n} keys but ${y.length} labels`);
  const outputs = task.type === "multiclass" ? task.classes : [null];
  const d = outputs.length;
  const target = targetVector(task);

  // per category: its count and sum of target vectors in each fold; the totals are the sums over folds
  const index = new Map<CategoryKey, number>();
  for (const key of keys) if (!index.has(key)) index.set(key, index.size);
  const c = index.size;
  const k = Math.min(TARGET_FOLDS, n);
  const fold = assignFolds(n, k, seed);
  const foldCount = new Float64Array(k * c);
  const foldSum = new Float64Array(k * c * d);
  const prior = new Array<number>(d).fill(0);
  const vector = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    target(y[i], vector);
    const slot = fold[i] * c + index.get(keys[i])!;
    foldCount[slot]++;
    for (let j = 0; j < d; j++) {
      foldSum[slot * d + j] += vector[j];
      prior[j] += vector[j] / n;
    }
  }
  const count = new Float64Array(c);
  const sum = new Float64Array(c * d);
  for (let f = 0; f < k; f++) {
    for (let g = 0; g < c; g++) {
      count[g] += foldCount[f * c + g];
      for (let j = 0; j < d; j++) sum[g * d + j] += foldSum[(f * c + g) * d + j];
    }
  }
  const smoothed = (s: number, m: number, j: number) => (s + TARGET_SMOOTHING * prior[j]) / (m + TARGET_SMOOTHING);

  const train = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const g = index.get(keys[i])!;
    const slot = fold[i] * c + g;
    const m = count[g] - foldCount[slot];
    for (let j = 0; j < d; j++) train[i * d + j] = smoothed(sum[g * d + j] - foldSum[slot * d + j], m, j);
  }

  const full = (g: number) => Array.from({ length: d }, (_, j) => smoothed(sum[g * d + j], count[g], j));
  const categories = [...index.keys()]
    .filter((key): key is string => key !== null)
    .sort((a, b) => count[index.get(b)!] - count[index.get(a)!] || (a < b ? -1 : a > b ? 1 : 0));
  const missingIndex = index.get(null);
  return {
    outputs,
    categories,
    values: categories.map((key) => full(index.get(key)!)),
    missing: missingIndex === undefined ? [...prior] : full(missingIndex),
    prior,
    train,
  };
}

/** writes the label's target vector: [y] for regression, [1 if class 1] for binary, one-hot for multiclass */
function targetVector(task: Task): (y: number, out: Float64Array) => void {
  const classes = task.type === "regression" ? 0 : task.type === "binary" ? 2 : task.classes.length;
  return (y, out) => {
    const valid = classes === 0 ? Number.isFinite(y) : Number.isInteger(y) && y >= 0 && y < classes;
    if (!valid) throw new Error(`fitTargetEncoding: a training row's label ${y} is not a ${classes ? "class code" : "number"}`);
    if (task.type === "multiclass") {
      out.fill(0);
      out[y] = 1;
    } else {
      out[0] = y;
    }
  };
}

/**
 * Deals n rows into k folds of equal size (within one), seeded: a seeded shuffle of 0..n-1, then position mod k.
 * The folds depend only on n, k and the seed.
 */
export function assignFolds(n: number, k: number, seed: number): Int32Array {
  const rng = createRng(deriveSeed(seed, "target-encoding-folds"));
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const fold = new Int32Array(n);
  order.forEach((row, position) => (fold[row] = position % k));
  return fold;
}
