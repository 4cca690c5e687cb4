import { partitionRows } from "../gbdt/partition";
import type { Rng } from "../../automl/rng";
import type { BinEdges, BinnedMatrix } from "../gbdt/bins";
import { buildHistogram, newHistogram } from "../gbdt/histogram";
import { Tree } from "../gbdt/tree";

/**
 * Growth of one randomized tree of a forest on gbdt's binned rows and gradient histograms (bins.ts, histogram.ts), into
 * gbdt's flat Tree (tree.ts).
 *
 * Variance reduction is the squared-error gain with gradient -y and hessian 1 (gbdt's gain with lambda 0 and learning
 * rate 1): a child's score is G² / H, with G the sum of w * y and H the sum of the weights w (bootstrap counts times
 * sample weights), and the leaf value G / H is the weighted mean target. Classification grows one multi-output tree on
 * the one-hot class indicators: the sum of their squared-error gains is the Gini decrease (times the node's weight), and
 * the leaf values are the class frequencies. A histogram channel per output; multiclass builds k - 1 of them, the last
 * class's sums being H less the others'. Binary has one output (the positive class), regression one (y less its mean).
 *
 * Why not gbdt's TreeGrower: it samples features per tree and scores one output; a forest samples them per node
 * (max_features), needs several outputs for classification and, for extra trees, a random threshold per feature. So
 * each node builds the histograms of just the features drawn for it (no subtraction trick: the siblings draw different
 * features), from its rows, and scans them here. Should none of them split the node, the rest of the features are tried
 * (scikit-learn's rule: max_features is a minimum, not a limit, when the sample finds no valid split).
 *
 * Nodes are split depth-first from an explicit stack, children numbered after their parent as Tree requires. A node
 * stays a leaf when its rows all have the same target, at max_depth, when it cannot give each child min_samples_leaf
 * of weight, or when no split improves on it.
 */

export interface ForestRules {
  /** splits on the longest path; Infinity for none */
  maxDepth: number;
  /** least weight (bootstrap count x sample weight) in each child: min_samples_leaf */
  minLeaf: number;
  /** features drawn per node */
  maxFeatures: number;
  /** extra trees: one random threshold per drawn feature instead of the best */
  randomThresholds: boolean;
}

/** A grown tree: its structure (Tree, whose value is output 0), and the leaf values of every output (nodes x outputs). */
export interface ForestTree {
  tree: Tree;
  values: Float64Array;
}

export class ForestGrower {
  private readonly idx: Uint32Array;
  private readonly scratch: Uint32Array;
  private readonly hists: Float64Array[];
  private readonly spare: Float64Array;
  /** the splittable features, permuted in place as nodes draw from them */
  private readonly perm: Int32Array;
  /** per channel: the node's sums, and the left sums during a scan */
  private readonly G: Float64Array;
  private readonly gl: Float64Array;
  /** the best split of the node being scanned */
  private best = 0;
  private bestFeature = -1;
  private bestBin = 0;
  private bestMissingLeft = false;
  private H = 0;
  /** the arrays of the tree being grown, for the histograms */
  private targets: Float64Array[] = [];
  private weight: Float64Array = new Float64Array(0);

  constructor(
    private readonly data: BinnedMatrix,
    private readonly edges: BinEdges,
    private readonly rules: ForestRules,
    /** histogram channels: one per output, but for multiclass one fewer */
    private readonly channels: number,
    /** leaf values per node: channels, or channels + 1 where the last is derived (class frequencies sum to 1) */
    readonly outputs: number,
    /** added to output 0's leaf values (regression grows on y less its mean) */
    private readonly offset: number,
  ) {
    this.idx = new Uint32Array(data.rows);
    this.scratch = new Uint32Array(data.rows);
    this.hists = Array.from({ length: channels }, () => newHistogram(data));
    this.spare = newHistogram(data);
    this.perm = data.splittable.slice();
    this.G = new Float64Array(channels);
    this.gl = new Float64Array(channels);
  }

  /**
   * A tree over the training rows rows[0, count) (those of weight > 0), with per-row weights `weight` and, per channel,
   * targets times weight `targets[c]`; `y` is the raw target (class code or value), to spot pure nodes.
   */
  grow(rows: Uint32Array, count: number, targets: Float64Array[], weight: Float64Array, y: Float32Array, rng: Rng): ForestTree {
    const { idx, rules, channels, outputs } = this;
    idx.set(rows.subarray(0, count));
    this.targets = targets;
    this.weight = weight;
    const feature: number[] = [];
    const bin: number[] = [];
    const missingLeft: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const values: number[] = [];
    const newNode = () => {
      feature.push(-1);
      bin.push(0);
      missingLeft.push(0);
      left.push(0);
      right.push(0);
      for (let c = 0; c < outputs; c++) values.push(0);
      return feature.length - 1;
    };
    // the stack of nodes to process: node, begin, end, depth
    const stack: number[] = [newNode(), 0, count, 0];
    const G = this.G;
    while (stack.length > 0) {
      const depth = stack.pop()!;
      const end = stack.pop()!;
      const begin = stack.pop()!;
      const node = stack.pop()!;
      // the node's sums, and whether its targets all agree
      G.fill(0);
      let H = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = begin; i < end; i++) {
        const r = idx[i];
        H += weight[r];
        for (let c = 0; c < channels; c++) G[c] += targets[c][r];
        const v = y[r];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      this.H = H;
      const canSplit = lo < hi && depth < rules.maxDepth && H >= 2 * rules.minLeaf && this.perm.length > 0;
      if (!canSplit || !this.findSplit(begin, end, rng)) {
        this.setLeaf(values, node, G, H);
        continue;
      }
      const mid = this.partition(begin, end);
      const l = newNode();
      const r = newNode();
      feature[node] = this.bestFeature;
      bin[node] = this.bestBin;
      missingLeft[node] = this.bestMissingLeft ? 1 : 0;
      left[node] = l;
      right[node] = r;
      // the left child is processed first (popped last pushed)
      stack.push(r, mid, end, depth + 1, l, begin, mid, depth + 1);
    }
    const n = feature.length;
    const featureArr = Int32Array.from(feature);
    const threshold = new Float64Array(n);
    const value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (featureArr[i] >= 0) threshold[i] = this.edges.threshold(featureArr[i], bin[i]);
      else value[i] = values[i * outputs];
    }
    const tree = new Tree(
      { feature: featureArr, threshold, missingLeft: Uint8Array.from(missingLeft), left: Int32Array.from(left), right: Int32Array.from(right), value },
      this.data.codes.length,
    );
    return { tree, values: Float64Array.from(values) };
  }

  private setLeaf(values: number[], node: number, G: Float64Array, H: number): void {
    const at = node * this.outputs;
    let sum = 0;
    for (let c = 0; c < this.channels; c++) {
      const v = H > 0 ? G[c] / H : 0;
      values[at + c] = v;
      sum += v;
    }
    values[at] += this.offset;
    if (this.outputs > this.channels) values[at + this.channels] = Math.max(0, 1 - sum);
  }

  /** Draws the node's features and scans them; the rest of them when none splits. Leaves the best in this.best*. */
  private findSplit(begin: number, end: number, rng: Rng): boolean {
    const { perm, rules } = this;
    const take = Math.min(rules.maxFeatures, perm.length);
    for (let i = 0; i < take && take < perm.length; i++) {
      const j = i + Math.floor((rng.uint32() / 4294967296) * (perm.length - i));
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    const parent = this.score(this.G, this.H);
    // a split must beat the parent by more than rounding
    this.best = parent + 1e-12 * Math.abs(parent);
    this.bestFeature = -1;
    this.scanFeatures(perm.subarray(0, take), begin, end, rng);
    if (this.bestFeature < 0 && take < perm.length) this.scanFeatures(perm.subarray(take), begin, end, rng);
    return this.bestFeature >= 0;
  }

  /** Σ over outputs of (sum of targets)² / weight, the derived last output included */
  private score(g: Float64Array, h: number): number {
    if (h <= 0) return 0;
    let s = 0;
    let sum = 0;
    for (let c = 0; c < this.channels; c++) {
      s += g[c] * g[c];
      sum += g[c];
    }
    if (this.outputs > this.channels) s += (h - sum) * (h - sum);
    return s / h;
  }

  private scanFeatures(features: Int32Array, begin: number, end: number, rng: Rng): void {
    const { hists, data, channels } = this;
    for (let c = 0; c < channels; c++) buildHistogram(hists[c], this.spare, data, features, this.idx, begin, end, this.targets[c], this.weight);
    for (let fi = 0; fi < features.length; fi++) {
      if (this.rules.randomThresholds) this.scanRandom(features[fi], rng);
      else this.scanBest(features[fi]);
    }
  }

  /** Tries a split after left sums gl, hl (of H); records it when it beats the best so far. */
  private consider(feature: number, bin: number, missingLeft: boolean, hl: number): void {
    const { G, gl, channels } = this;
    const H = this.H;
    const hr = H - hl;
    const minLeaf = this.rules.minLeaf;
    if (hl < minLeaf || hr < minLeaf) return;
    let s = 0;
    let sl = 0;
    let sr = 0;
    let rightScore = 0;
    for (let c = 0; c < channels; c++) {
      const gr = G[c] - gl[c];
      s += gl[c] * gl[c];
      rightScore += gr * gr;
      sl += gl[c];
      sr += gr;
    }
    if (this.outputs > channels) {
      s += (hl - sl) * (hl - sl);
      rightScore += (hr - sr) * (hr - sr);
    }
    const total = s / hl + rightScore / hr;
    if (total > this.best) {
      this.best = total;
      this.bestFeature = feature;
      this.bestBin = bin;
      this.bestMissingLeft = missingLeft;
    }
  }

  /** Every threshold of the feature, missing values right then (where the node has some) left, as gbdt's split.ts. */
  private scanBest(f: number): void {
    const { hists, gl, channels } = this;
    const h0 = hists[0];
    const base = 2 * this.data.binStart[f];
    const m = this.data.missingBin[f];
    const hMissing = h0[base + 2 * m + 1];
    const hasMissing = hMissing > 0;
    const H = this.H;
    gl.fill(0);
    let hl = 0;
    const last = hasMissing ? m - 1 : m - 2;
    for (let t = 0; t <= last; t++) {
      const hb = h0[base + 2 * t + 1];
      if (hb === 0) continue; // an empty bin moves no row
      for (let c = 0; c < channels; c++) gl[c] += hists[c][base + 2 * t];
      hl += hb;
      if (H - hl < this.rules.minLeaf) break;
      this.consider(f, t, hasMissing ? false : hl > H - hl, hl);
    }
    if (!hasMissing) return;
    for (let c = 0; c < channels; c++) gl[c] = hists[c][base + 2 * m];
    hl = hMissing;
    for (let t = 0; t <= m - 2; t++) {
      const hb = h0[base + 2 * t + 1];
      if (hb === 0) continue;
      for (let c = 0; c < channels; c++) gl[c] += hists[c][base + 2 * t];
      hl += hb;
      if (H - hl < this.rules.minLeaf) break;
      this.consider(f, t, true, hl);
    }
  }

  /**
   * Extra trees: one threshold drawn uniformly among the bins from the node's lowest to its highest value bin (less
   * the last, so both sides hold values); missing values then go to the better side. A feature with a single value in
   * the node can only split its missing values from it.
   */
  private scanRandom(f: number, rng: Rng): void {
    const { hists, gl, channels } = this;
    const h0 = hists[0];
    const base = 2 * this.data.binStart[f];
    const m = this.data.missingBin[f];
    const hMissing = h0[base + 2 * m + 1];
    const hasMissing = hMissing > 0;
    let lo = -1;
    let hi = -1;
    for (let t = 0; t < m; t++) {
      if (h0[base + 2 * t + 1] > 0) {
        if (lo < 0) lo = t;
        hi = t;
      }
    }
    if (lo < 0 || (lo === hi && !hasMissing)) return;
    const bin = lo < hi ? lo + Math.floor((rng.uint32() / 4294967296) * (hi - lo)) : hi;
    gl.fill(0);
    let hl = 0;
    for (let t = lo; t <= bin; t++) {
      for (let c = 0; c < channels; c++) gl[c] += hists[c][base + 2 * t];
      hl += h0[base + 2 * t + 1];
    }
    this.consider(f, bin, hasMissing ? false : hl > this.H - hl, hl);
    if (!hasMissing) return;
    for (let c = 0; c < channels; c++) gl[c] += hists[c][base + 2 * m];
    this.consider(f, bin, true, hl + hMissing);
  }

  /** Partitions the node's rows stably in place by the best split; returns where the right side starts. */
  private partition(begin: number, end: number): number {
    return partitionRows(this.data, this.idx, this.scratch, begin, end, { feature: this.bestFeature, bin: this.bestBin, missingLeft: this.bestMissingLeft });
  }
}
