import { z } from "zod";
import type { Matrix, Task } from "../../models/family";

/**
 * One decision tree, stored flat: node i's fields are the i-th entries of the arrays below. Node 0 is the root, and
 * every child comes after its parent, so a walk always ends.
 *
 * How a row walks a tree: start at node 0; while feature[node] is not -1, read the row's value v of column
 * feature[node] and go to left[node] or right[node]:
 * - a threshold split (no categories at the node): v <= threshold[node] goes left, comparing the float32 input
 *   exactly, as a double, with the double threshold (null means +Infinity: every value goes left, only missing
 *   values are split off); a missing value (NaN) goes left where missingLeft[node] is 1, else right.
 * - a categorical split (the node has categories, below): threshold[node] is the feature's category count n; a value
 *   that is a whole number c in 0..n-1 goes left when c is one of the node's left categories, else right; any other
 *   value (NaN, -1 "no category", out of range) is missing and goes by missingLeft[node].
 * The node where the walk ends is the row's leaf; its value(s) are what the tree adds.
 */
export const PortableTree = z.object({
  /** the column a split reads; -1 at a leaf */
  feature: z.array(z.number().int().min(-1)),
  /** a split's threshold (null: +Infinity); a categorical split's category count; unused at a leaf */
  threshold: z.array(z.number().nullable()),
  /** 1 where missing values go left */
  missingLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  /** children's node indices (unused at a leaf) */
  left: z.array(z.number().int().min(0)),
  right: z.array(z.number().int().min(0)),
  /**
   * leaf values, row-major nodes x width (0 at splits): gbdt width 1, the leaf's contribution to the raw score with
   * the learning rate already applied; forest width `outputs`, the leaf's mean target (regression) or its class
   * frequencies (binary: of the positive class only; multiclass: of every class)
   */
  value: z.array(z.number()),
  /**
   * categorical splits only (absent where the tree has none), as bitsets of 32-bit words: node i's left categories
   * are the set bits of catBits[catStart[i] .. catStart[i + 1]) (category c: bit c % 32 of word floor(c / 32));
   * catStart has one entry per node and one more, and a node without categories has no words.
   */
  catStart: z.array(z.number().int().min(0)).optional(),
  catBits: z.array(z.number().int().min(0).max(0xffffffff)).optional(),
});
export type PortableTree = z.infer<typeof PortableTree>;

/**
 * portable.json of the tree families (server/models/gbdt, server/models/forest): an ensemble of decision trees over
 * the model's input matrix (after preprocessing and feature selection), and how their leaf values make a prediction.
 *
 * - `outputs`: raw scores per row: the number of classes for multiclass, else 1.
 * - gbdt (gradient boosting): raw score c = baseScore[c] + the leaf values of trees c, c + outputs, c + 2 * outputs,
 *   ... (tree t adds to output t % outputs: one tree per output and round), summed in tree order in float64.
 *   baseScore is the starting score (log-odds of the positive rate, log class priors, or the target mean). Then
 *   binary: p = 1 / (1 + exp(-raw)), the row is [1 - p, p]; multiclass: softmax over the classes (shifted by the
 *   largest raw score); regression: the raw score itself.
 * - forest (random forest / extra trees): sums of the trees' leaf values per output, in tree order in float64, times
 *   1 / (number of trees). Regression: that mean. Binary: p = the mean clipped to [0, 1], the row is [1 - p, p].
 *   Multiclass: the means clipped below at 0 and divided by their sum (1 / classes each where the sum is 0).
 *   baseScore is empty.
 *
 * Predictions are row-major, column c for task.classes[c] (binary: column 1 the positive class), rounded to float32
 * as the studio stores them. Numbers are JSON numbers: doubles, which round-trip exactly.
 */
export const PortableTrees = z.object({
  kind: z.literal("trees"),
  family: z.enum(["gbdt", "forest"]),
  task: z.object({ type: z.enum(["binary", "multiclass", "regression"]), classes: z.array(z.string()) }),
  /** input columns */
  features: z.number().int().min(0),
  outputs: z.number().int().min(1),
  /** gbdt: the starting raw score per output; forest: [] */
  baseScore: z.array(z.number()),
  trees: z.array(PortableTree),
});
export type PortableTrees = z.infer<typeof PortableTrees>;

/** a tree as typed arrays, checked to be walkable over `features` columns */
interface WalkTree {
  feature: Int32Array;
  threshold: Float64Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  catStart: Int32Array | null;
  catBits: Uint32Array | null;
}

function compile(t: PortableTree, width: number, features: number, index: number): WalkTree {
  const n = t.feature.length;
  const bad = (why: string) => new Error(`trees: tree ${index} ${why}`);
  if (n === 0) throw bad("has no nodes");
  if ([t.threshold, t.missingLeft, t.left, t.right].some((a) => a.length !== n)) throw bad("has node arrays of different lengths");
  if (t.value.length !== n * width) throw bad(`has ${t.value.length} leaf values for ${n} nodes x ${width}`);
  const cat = t.catStart ? Int32Array.from(t.catStart) : null;
  const bits = t.catBits ? Uint32Array.from(t.catBits) : null;
  if (!cat !== !bits || (cat && !(cat.length === n + 1 && cat[0] === 0 && cat[n] === bits!.length))) throw bad("has malformed categories");
  for (let i = 0; i < n; i++) {
    const f = t.feature[i];
    if (f < 0) continue;
    if (f >= features) throw bad(`splits on column ${f} of ${features}`);
    if (!(t.left[i] > i && t.left[i] < n && t.right[i] > i && t.right[i] < n)) throw bad(`has node ${i}'s children out of order`);
  }
  return {
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold, (v) => v ?? Infinity),
    missingLeft: Uint8Array.from(t.missingLeft),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value),
    catStart: cat,
    catBits: bits,
  };
}

/** the leaf that the row at data[offset] reaches (see PortableTree) */
function leafOf(t: WalkTree, data: Float32Array, offset: number): number {
  const cat = t.catStart;
  let node = 0;
  let f = t.feature[0];
  while (f >= 0) {
    const v = data[offset + f];
    let goLeft: boolean;
    if (cat !== null && cat[node + 1] > cat[node]) {
      const n = t.threshold[node];
      goLeft =
        v >= 0 && v < n && Math.floor(v) === v ? ((t.catBits![cat[node] + (v >>> 5)] >>> (v & 31)) & 1) === 1 : t.missingLeft[node] === 1;
    } else goLeft = v === v ? v <= t.threshold[node] : t.missingLeft[node] === 1;
    node = goLeft ? t.left[node] : t.right[node];
    f = t.feature[node];
  }
  return node;
}

/**
 * The model's predictions: row-major probabilities rows x classes (binary: rows x 2), or one value per row. Bit for
 * bit the family's FittedModel.predict: the same float64 sums in the same order, the same links, rounded to float32.
 */
export function predictTrees(model: PortableTrees, x: Matrix, task: Task): Float32Array {
  const k = task.type === "multiclass" ? task.classes.length : 1;
  if (model.task.type !== task.type) throw new Error(`trees: the model is for a ${model.task.type} task, not ${task.type}`);
  if (model.outputs !== k) throw new Error(`trees: the model has ${model.outputs} outputs, the ${task.type} task needs ${k}`);
  if (x.cols !== model.features) throw new Error(`trees: expected ${model.features} columns, got ${x.cols}`);
  const gbdt = model.family === "gbdt";
  if (gbdt && (model.baseScore.length !== k || model.trees.length % k !== 0)) {
    throw new Error(`trees: ${model.baseScore.length} base scores and ${model.trees.length} trees do not make rounds of ${k} outputs`);
  }
  const trees = model.trees.map((t, i) => compile(t, gbdt ? 1 : k, model.features, i));
  const sums = new Float64Array(x.rows * k);
  if (gbdt) for (let r = 0; r < x.rows; r++) sums.set(model.baseScore, r * k);
  trees.forEach((t, i) => {
    for (let r = 0; r < x.rows; r++) {
      const leaf = leafOf(t, x.data, r * x.cols);
      if (gbdt) sums[r * k + (i % k)] += t.value[leaf];
      else for (let c = 0; c < k; c++) sums[r * k + c] += t.value[leaf * k + c];
    }
  });
  const out = new Float32Array(x.rows * (task.type === "binary" ? 2 : k));
  if (gbdt) boostedLink(task, sums, x.rows, out);
  else averaged(task, sums, x.rows, trees.length, out);
  return out;
}

/** gbdt's link (objective.ts: transform) */
function boostedLink(task: Task, raw: Float64Array, rows: number, out: Float32Array): void {
  const k = task.type === "multiclass" ? task.classes.length : 1;
  const e = new Float64Array(k);
  for (let r = 0; r < rows; r++) {
    if (task.type === "regression") out[r] = raw[r];
    else if (task.type === "binary") {
      const p = 1 / (1 + Math.exp(-raw[r]));
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    } else {
      const o = r * k;
      let max = raw[o];
      for (let c = 1; c < k; c++) if (raw[o + c] > max) max = raw[o + c];
      let sum = 0;
      for (let c = 0; c < k; c++) {
        e[c] = Math.exp(raw[o + c] - max);
        sum += e[c];
      }
      const inv = 1 / sum;
      for (let c = 0; c < k; c++) out[o + c] = e[c] * inv;
    }
  }
}

/** the forest's mean over trees (forest/model.ts: toPredictions) */
function averaged(task: Task, sums: Float64Array, rows: number, trees: number, out: Float32Array): void {
  const k = task.type === "multiclass" ? task.classes.length : 1;
  const inv = trees > 0 ? 1 / trees : 0;
  for (let r = 0; r < rows; r++) {
    if (task.type === "regression") out[r] = sums[r] * inv;
    else if (task.type === "binary") {
      const p = Math.min(1, Math.max(0, sums[r] * inv));
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    } else {
      let total = 0;
      for (let c = 0; c < k; c++) total += Math.max(0, sums[r * k + c]);
      for (let c = 0; c < k; c++) out[r * k + c] = total > 0 ? Math.max(0, sums[r * k + c]) / total : 1 / k;
    }
  }
}
