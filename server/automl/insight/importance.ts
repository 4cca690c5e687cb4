/**
 * Hyperparameter importance by fANOVA (Hutter, Hoos & Leyton-Brown, 2014) on a random-forest surrogate: a forest
 * learns objective ≈ f(hyperparameters) from the finished trials; each tree is piecewise constant over boxes, so the
 * functional ANOVA of a tree is exact: the marginal of one hyperparameter (the tree's prediction averaged over all
 * the others, each box weighted by its volume) has a variance, and that variance's share of the tree's total
 * variance is how much of the objective that hyperparameter explains on its own. Shares are averaged over the
 * trees and normalised to sum to 1 over the reported hyperparameters.
 *
 * Encoding: numeric hyperparameters in [0, 1] on their (log-)scale (param-axes.ts), with the volume uniform there;
 * categorical ones as category indices split into sets of categories (not one-hot: one-hot would spread a choice's
 * importance over several features and give volume to impossible "two categories at once" boxes), each category
 * with equal volume. A conditional hyperparameter absent from some trials gets "absent" as a value of its own,
 * with the volume of the share of trials in which it was absent. Its presence follows the choice that asks for it
 * (`units_3` exists only when `depth` is 4), so the two can share that choice's importance.
 *
 * For speed at 10,000 trials the fit uses at most MAX_FIT_TRIALS of them, evenly spread over the run.
 */
import { encodeValue, type ParamAxis } from "./param-axes";
import { evenSample } from "./even-sample";
import { ABSENT, fitForest, type ForestFeature, type Leaf } from "./regression-forest";
import type { ScoredTrial } from "./types";

export const MIN_TRIALS_FOR_IMPORTANCE = 5;
export const MAX_FIT_TRIALS = 1000;
const FOREST = { trees: 16, minLeaf: 3, maxDepth: 32, featureFraction: 0.5, seed: 20140621 };

export interface ParamImportance {
  name: string;
  /** the share of the explained variance, in [0, 1]; they sum to 1 (or are all 0 when nothing varies) */
  importance: number;
}

export interface ImportanceResult {
  /** most important first */
  params: ParamImportance[];
  /** how many trials the surrogate was fitted on */
  trialsUsed: number;
}

/** fANOVA importance of each axis, or null with fewer than MIN_TRIALS_FOR_IMPORTANCE trials or no axes. */
export function paramImportance(trials: readonly ScoredTrial[], axes: readonly ParamAxis[]): ImportanceResult | null {
  if (trials.length < MIN_TRIALS_FOR_IMPORTANCE || axes.length === 0) return null;
  const fit = evenSample(trials, MAX_FIT_TRIALS);
  const columns = axes.map((axis) => encodeColumn(axis, fit));
  const y = Float64Array.from(fit, (t) => t.value);
  const trees = fitForest(
    columns.map((c) => c.feature),
    y,
    FOREST,
  );

  const shares = new Float64Array(axes.length);
  let counted = 0;
  for (const leaves of trees) {
    const treeShares = decomposeTree(leaves, columns);
    if (!treeShares) continue;
    treeShares.forEach((s, f) => (shares[f] += s));
    counted++;
  }
  const total = shares.reduce((a, b) => a + b, 0);
  const params = axes.map((axis, f) => ({ name: axis.name, importance: counted > 0 && total > 0 ? shares[f] / total : 0 }));
  params.sort((a, b) => b.importance - a.importance || a.name.localeCompare(b.name));
  return { params, trialsUsed: fit.length };
}

/** A forest feature and the volume (a probability measure) of a region of it. */
interface Column {
  feature: ForestFeature;
  /** numeric: the volume of (lo, hi] */
  interval(lo: number, hi: number): number;
  /** categorical: the volume of each category */
  weights: Float64Array | null;
}

function encodeColumn(axis: ParamAxis, trials: readonly ScoredTrial[]): Column {
  const encoded = trials.map((t) => encodeValue(axis, t.params[axis.name]));
  const absentShare = encoded.filter((v) => v === null).length / trials.length;
  if (axis.kind === "numeric") {
    return {
      feature: { kind: "numeric", x: Float64Array.from(encoded, (v) => v ?? ABSENT) },
      interval: (lo, hi) => (lo < ABSENT && ABSENT <= hi ? absentShare : 0) + (1 - absentShare) * Math.max(0, Math.min(hi, 1) - Math.max(lo, 0)),
      weights: null,
    };
  }
  // the absent value is the last category
  const size = axis.categories.length + 1;
  const weights = new Float64Array(size).fill((1 - absentShare) / axis.categories.length);
  weights[size - 1] = absentShare;
  return {
    feature: { kind: "categorical", x: Int32Array.from(encoded, (v) => v ?? size - 1), size },
    interval: () => 1,
    weights,
  };
}

/** One tree's variance share of each feature's marginal, or null when the tree is constant. */
function decomposeTree(leaves: readonly Leaf[], columns: readonly Column[]): Float64Array | null {
  const d = columns.length;
  const fraction = new Float64Array(leaves.length * d);
  const weight = new Float64Array(leaves.length);
  leaves.forEach((leaf, l) => {
    let w = 1;
    for (let f = 0; f < d; f++) {
      const mask = leaf.cats[f];
      const share = mask ? mask.reduce((sum, inside, c) => sum + (inside ? columns[f].weights![c] : 0), 0) : columns[f].interval(leaf.lo[f], leaf.hi[f]);
      fraction[l * d + f] = share;
      w *= share;
    }
    weight[l] = w;
  });
  let mean = 0;
  leaves.forEach((leaf, l) => (mean += weight[l] * leaf.value));
  let variance = 0;
  leaves.forEach((leaf, l) => (variance += weight[l] * (leaf.value - mean) ** 2));
  if (!(variance > 1e-300)) return null;

  const shares = new Float64Array(d);
  for (let f = 0; f < d; f++) {
    // each leaf adds value × (its volume in the other features) to the marginal over its part of feature f
    const contribution = (l: number) => (fraction[l * d + f] > 0 ? (leaves[l].value * weight[l]) / fraction[l * d + f] : 0);
    const { marginal, volume } = columns[f].weights ? categoricalMarginal(leaves, f, columns[f].weights!, contribution) : numericMarginal(leaves, f, columns[f], contribution);
    let v = 0;
    for (let k = 0; k < marginal.length; k++) v += volume[k] * (marginal[k] - mean) ** 2;
    shares[f] = v / variance;
  }
  return shares;
}

/** The marginal on the cells between the tree's thresholds on feature f (a leaf covers a run of cells: a difference array). */
function numericMarginal(leaves: readonly Leaf[], f: number, column: Column, contribution: (l: number) => number) {
  const bounds = [...new Set(leaves.flatMap((leaf) => [leaf.lo[f], leaf.hi[f]]).filter(Number.isFinite))].sort((a, b) => a - b);
  const index = new Map(bounds.map((b, i) => [b, i]));
  const at = (b: number) => (b === -Infinity ? -1 : b === Infinity ? bounds.length : index.get(b)!);
  // cell k is (bounds[k-1], bounds[k]], with -∞ and +∞ at the ends
  const cells = bounds.length + 1;
  const diff = new Float64Array(cells + 1);
  leaves.forEach((leaf, l) => {
    const c = contribution(l);
    diff[at(leaf.lo[f]) + 1] += c;
    diff[at(leaf.hi[f]) + 1] -= c;
  });
  const marginal = new Float64Array(cells);
  const volume = new Float64Array(cells);
  let running = 0;
  for (let k = 0; k < cells; k++) {
    running += diff[k];
    marginal[k] = running;
    volume[k] = column.interval(k === 0 ? -Infinity : bounds[k - 1], k === cells - 1 ? Infinity : bounds[k]);
  }
  return { marginal, volume };
}

function categoricalMarginal(leaves: readonly Leaf[], f: number, weights: Float64Array, contribution: (l: number) => number) {
  const marginal = new Float64Array(weights.length);
  leaves.forEach((leaf, l) => {
    const c = contribution(l);
    leaf.cats[f]!.forEach((inside, k) => {
      if (inside) marginal[k] += c;
    });
  });
  return { marginal, volume: weights };
}
