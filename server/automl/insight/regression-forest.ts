/**
 * A small random forest for regression (bootstrap samples, a random subset of features tried at each split, squared
 * error), grown only to be read back as boxes: each tree is returned as its leaves, each leaf with the region of the
 * input space it covers and its mean target. fANOVA (importance.ts) integrates over those boxes.
 *
 * Numeric features split on thresholds (`x <= t` goes left). Categorical features split into two sets of
 * categories, found by ordering the node's categories by their mean target and scanning that order, which is the
 * optimal binary partition for squared error (Breiman et al., CART) at the cost of one sort.
 */
import { createRng, type Rng } from "../rng";

export type ForestFeature =
  /** values in [0, 1]; an absent value is ABSENT, below the range so one threshold can set it apart */
  | { kind: "numeric"; x: Float64Array }
  /** category indices 0..size-1 (an absent value is one of the categories) */
  | { kind: "categorical"; x: Int32Array; size: number };

export const ABSENT = -1;

/** A leaf's region: per feature, the interval (lo, hi] (numeric) or a mask of the categories it holds (categorical). */
export interface Leaf {
  value: number;
  lo: Float64Array;
  hi: Float64Array;
  cats: (Uint8Array | null)[];
}

export interface ForestOptions {
  trees: number;
  /** the fewest samples a leaf may hold */
  minLeaf: number;
  maxDepth: number;
  /** the share of features tried at each split (at least one; more are tried when those give no valid split) */
  featureFraction: number;
  seed: number;
}

interface Split {
  gain: number;
  feature: number;
  threshold: number;
  /** categorical: 1 for the categories that go left */
  left: Uint8Array | null;
}

/** Fits the forest on the features (one column each) and the targets `y`; returns each tree's leaves. */
export function fitForest(features: readonly ForestFeature[], y: Float64Array, opts: ForestOptions): Leaf[][] {
  const rng = createRng(opts.seed);
  const n = y.length;
  if (n > MAX_ROWS) throw new Error(`fitForest takes at most ${MAX_ROWS} rows, got ${n}`);
  const ranks = features.map((f) => (f.kind === "numeric" ? denseRanks(f.x) : null));
  const trees: Leaf[][] = [];
  for (let t = 0; t < opts.trees; t++) {
    const sample = new Int32Array(n);
    for (let i = 0; i < n; i++) sample[i] = rng.int(0, n - 1);
    const leaves: Leaf[] = [];
    const root: Leaf = {
      value: 0,
      lo: new Float64Array(features.length).fill(-Infinity),
      hi: new Float64Array(features.length).fill(Infinity),
      cats: features.map((f) => (f.kind === "categorical" ? new Uint8Array(f.size).fill(1) : null)),
    };
    grow({ features, ranks, y, opts, rng, leaves }, sample, 0, root);
    trees.push(leaves);
  }
  return trees;
}

interface Grower {
  features: readonly ForestFeature[];
  /** numeric features: each row's rank among the feature's distinct values */
  ranks: readonly (Uint32Array | null)[];
  y: Float64Array;
  opts: ForestOptions;
  rng: Rng;
  leaves: Leaf[];
}

function grow(g: Grower, rows: Int32Array, depth: number, box: Leaf): void {
  let sum = 0;
  for (let i = 0; i < rows.length; i++) sum += g.y[rows[i]];
  box.value = sum / rows.length;
  const split = rows.length >= 2 * g.opts.minLeaf && depth < g.opts.maxDepth ? bestSplit(g, rows) : null;
  if (!split) {
    g.leaves.push(box);
    return;
  }
  const f = split.feature;
  const feature = g.features[f];
  const goesLeft = new Uint8Array(rows.length);
  let nLeft = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    goesLeft[i] = feature.kind === "numeric" ? (feature.x[r] <= split.threshold ? 1 : 0) : split.left![feature.x[r]];
    nLeft += goesLeft[i];
  }
  const leftRows = new Int32Array(nLeft);
  const rightRows = new Int32Array(rows.length - nLeft);
  for (let i = 0, l = 0, r = 0; i < rows.length; i++) {
    if (goesLeft[i]) leftRows[l++] = rows[i];
    else rightRows[r++] = rows[i];
  }
  const left = copyBox(box);
  const right = copyBox(box);
  if (split.left) {
    for (let c = 0; c < split.left.length; c++) {
      if (split.left[c]) right.cats[f]![c] = 0;
      else left.cats[f]![c] = 0;
    }
  } else {
    left.hi[f] = split.threshold;
    right.lo[f] = split.threshold;
  }
  grow(g, leftRows, depth + 1, left);
  grow(g, rightRows, depth + 1, right);
}

const copyBox = (b: Leaf): Leaf => ({ value: b.value, lo: b.lo.slice(), hi: b.hi.slice(), cats: b.cats.map((c) => c?.slice() ?? null) });

/** The best split among a random subset of the features, trying further features while none has given one. */
function bestSplit(g: Grower, rows: Int32Array): Split | null {
  const order = shuffled(g.features.length, g.rng);
  const tries = Math.max(1, Math.round(g.features.length * g.opts.featureFraction));
  let best: Split | null = null;
  for (let k = 0; k < order.length && (k < tries || !best); k++) {
    const f = order[k];
    const feature = g.features[f];
    const split = feature.kind === "numeric" ? numericSplit(feature.x, g.ranks[f]!, g.y, rows, g.opts.minLeaf) : categoricalSplit(feature.x, feature.size, g.y, rows, g.opts.minLeaf);
    if (split && split.gain > 1e-12 && (!best || split.gain > best.gain)) best = { ...split, feature: f };
  }
  return best;
}

function shuffled(n: number, rng: Rng): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * The threshold with the largest drop in squared error: sumL²/nL + sumR²/nR - sum²/n, scanned over the rows in
 * value order, only between distinct values and leaving at least minLeaf rows on each side.
 */
function numericSplit(x: Float64Array, rank: Uint32Array, y: Float64Array, rows: Int32Array, minLeaf: number): Omit<Split, "feature"> | null {
  // sorting packed (rank, row) integers natively is several times faster than sorting rows with a comparator
  const keys = new Uint32Array(rows.length);
  for (let i = 0; i < rows.length; i++) keys[i] = rank[rows[i]] * ROW_SPAN + rows[i];
  keys.sort();
  const n = keys.length;
  let total = 0;
  for (let i = 0; i < n; i++) total += y[rows[i]];
  let sumLeft = 0;
  let best: Omit<Split, "feature"> | null = null;
  for (let i = 0; i < n - 1; i++) {
    const row = keys[i] % ROW_SPAN;
    const next = keys[i + 1] % ROW_SPAN;
    sumLeft += y[row];
    const nLeft = i + 1;
    if (nLeft < minLeaf || n - nLeft < minLeaf || x[row] === x[next]) continue;
    const gain = (sumLeft * sumLeft) / nLeft + ((total - sumLeft) * (total - sumLeft)) / (n - nLeft) - (total * total) / n;
    if (!best || gain > best.gain) best = { gain, threshold: (x[row] + x[next]) / 2, left: null };
  }
  return best;
}

/** rows and ranks share one 32-bit key: both stay below 2^16 */
const ROW_SPAN = 65536;
const MAX_ROWS = ROW_SPAN - 1;

function denseRanks(x: Float64Array): Uint32Array {
  const distinct = [...new Set(x)].sort((a, b) => a - b);
  const rankOf = new Map(distinct.map((v, i) => [v, i]));
  return Uint32Array.from(x, (v) => rankOf.get(v)!);
}

/** The best two-set partition of the categories (by mean target order); categories the node lacks go with the larger side. */
function categoricalSplit(x: Int32Array, size: number, y: Float64Array, rows: Int32Array, minLeaf: number): Omit<Split, "feature"> | null {
  const count = new Float64Array(size);
  const sum = new Float64Array(size);
  for (let i = 0; i < rows.length; i++) {
    count[x[rows[i]]]++;
    sum[x[rows[i]]] += y[rows[i]];
  }
  const present = Array.from({ length: size }, (_, c) => c).filter((c) => count[c] > 0);
  if (present.length < 2) return null;
  present.sort((a, b) => sum[a] / count[a] - sum[b] / count[b]);
  const n = rows.length;
  let total = 0;
  for (const c of present) total += sum[c];
  let nLeft = 0;
  let sumLeft = 0;
  let best: { gain: number; cut: number } | null = null;
  for (let k = 0; k < present.length - 1; k++) {
    nLeft += count[present[k]];
    sumLeft += sum[present[k]];
    if (nLeft < minLeaf || n - nLeft < minLeaf) continue;
    const gain = (sumLeft * sumLeft) / nLeft + ((total - sumLeft) * (total - sumLeft)) / (n - nLeft) - (total * total) / n;
    if (!best || gain > best.gain) best = { gain, cut: k };
  }
  if (!best) return null;
  const left = new Uint8Array(size);
  let leftCount = 0;
  for (let k = 0; k <= best.cut; k++) {
    left[present[k]] = 1;
    leftCount += count[present[k]];
  }
  if (leftCount * 2 >= n) for (let c = 0; c < size; c++) if (count[c] === 0) left[c] = 1;
  return { gain: best.gain, threshold: 0, left };
}
