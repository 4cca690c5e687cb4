import type { Matrix, PartialPredictor } from "../../models/family";
import { createRng, type Rng } from "../rng";

/**
 * Permutation feature importance (Breiman 2001; scikit-learn's `permutation_importance`): how much a fitted model's
 * score drops when one feature's values are shuffled across rows, breaking its link with the label while keeping its
 * distribution. Measured on held-out rows (the validation split), so it says what the model relies on to generalise.
 *
 * A "feature" here is a group of matrix columns that came from one source column (the one-hot columns of a category,
 * the parts of a date, a missing-value indicator with its column): the group's columns are permuted together, with the
 * same row permutation, so the model sees whole, consistent values of the source column on other rows.
 */

/** the matrix columns that came from one source column */
export interface FeatureGroup {
  name: string;
  cols: number[];
}

export interface PermutationImportanceInput {
  /** the fitted model: probabilities rows x classes (classification) or one value per row (regression) */
  predict: (x: Matrix) => Float32Array;
  /** optional, the same predictions faster: for copies of the rows used that differ only in some columns (FittedModel.partialPredictor) */
  partialPredictor?: (base: Matrix) => PartialPredictor;
  x: Matrix;
  /** the truth, one per row of x */
  y: Float32Array;
  groups: FeatureGroup[];
  /** the score of predictions against `y`: the truth of the rows actually used (a sample of x's when it has more than maxRows) */
  scoreOf: (pred: Float32Array, y: Float32Array) => number;
  /** whether a higher score is better (auc) or worse (rmse): importance is signed so that positive = the feature helps */
  greaterIsBetter: boolean;
  /** shuffles per group; default 5 (scikit-learn's) */
  repeats?: number;
  seed: number;
  /** rows above this are sampled (seeded, without replacement) first; default 2000 */
  maxRows?: number;
}

export interface GroupImportance {
  name: string;
  /** mean drop of the score over the repeats (in the metric's units; positive = the model relies on the feature) */
  mean: number;
  /** standard deviation of the drop over the repeats (population, as scikit-learn's) */
  std: number;
}

export interface PermutationImportanceResult {
  /** the score of the unshuffled rows used */
  baseline: number;
  /** most important first */
  importance: GroupImportance[];
  rowsUsed: number;
  repeats: number;
}

/** stacked shuffled copies per predict call stay below this many cells (16 MB of float32) */
const MAX_BATCH_CELLS = 4_000_000;

export function permutationImportance(input: PermutationImportanceInput): PermutationImportanceResult {
  const { predict, groups, scoreOf, greaterIsBetter } = input;
  const repeats = input.repeats ?? 5;
  const maxRows = input.maxRows ?? 2000;
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`repeats must be a positive integer, got ${repeats}`);
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) throw new Error(`maxRows must be a positive integer, got ${maxRows}`);
  if (input.y.length !== input.x.rows) throw new Error(`${input.y.length} targets for ${input.x.rows} rows`);
  for (const g of groups) {
    for (const c of g.cols) {
      if (!(Number.isInteger(c) && c >= 0 && c < input.x.cols)) throw new Error(`group ${g.name}: column ${c} is outside the matrix's ${input.x.cols}`);
    }
  }
  const rng = createRng(input.seed);
  const { x, y } = sampleRows(input.x, input.y, maxRows, rng);
  const n = x.rows;
  const baseline = scoreOf(predict(x), y);
  const partial = n > 0 ? input.partialPredictor?.(x) : undefined;
  const predictChanged = (m: Matrix, cols: readonly number[]) => (partial ? partial.predict(m, cols) : predict(m));
  const drop = (s: number) => (greaterIsBetter ? baseline - s : s - baseline);

  const importance = groups.map(({ name, cols }): GroupImportance => {
    const drops: number[] = [];
    if (n === 0 || cols.length === 0) return { name, mean: 0, std: 0 };
    // the repeats' shuffled copies go through the model together, a few at a time (one call per batch, not per repeat)
    const perBatch = Math.max(1, Math.min(repeats, Math.floor(MAX_BATCH_CELLS / Math.max(1, n * x.cols))));
    for (let done = 0; done < repeats; done += perBatch) {
      const b = Math.min(perBatch, repeats - done);
      const stacked = new Float32Array(b * n * x.cols);
      for (let r = 0; r < b; r++) {
        const base = r * n * x.cols;
        stacked.set(x.data, base);
        const perm = permutation(n, rng);
        for (let i = 0; i < n; i++) {
          const to = base + i * x.cols;
          const from = perm[i] * x.cols;
          for (const c of cols) stacked[to + c] = x.data[from + c];
        }
      }
      const pred = predictChanged({ rows: b * n, cols: x.cols, data: stacked }, cols);
      const per = pred.length / (b * n);
      for (let r = 0; r < b; r++) drops.push(drop(scoreOf(pred.subarray(r * n * per, (r + 1) * n * per), y)));
    }
    const mean = drops.reduce((a, d) => a + d, 0) / drops.length;
    const std = Math.sqrt(drops.reduce((a, d) => a + (d - mean) ** 2, 0) / drops.length);
    return { name, mean, std };
  });
  // most important first; a NaN (an undefined score) sorts last; equal ones keep the groups' order
  const key = (v: number) => (Number.isNaN(v) ? -Infinity : v);
  importance.sort((a, b) => key(b.mean) - key(a.mean) || 0);
  return { baseline, importance, rowsUsed: n, repeats };
}

/** a uniformly random permutation of 0..n-1 (Fisher-Yates) */
function permutation(n: number, rng: Rng): Uint32Array {
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

/** at most `max` rows, chosen uniformly without replacement and kept in their original order */
function sampleRows(x: Matrix, y: Float32Array, max: number, rng: Rng): { x: Matrix; y: Float32Array } {
  if (x.rows <= max) return { x, y };
  const rows = permutation(x.rows, rng).subarray(0, max).sort();
  const data = new Float32Array(max * x.cols);
  rows.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { x: { rows: max, cols: x.cols, data }, y: Float32Array.from(rows, (r) => y[r]) };
}
