import { partitionRows } from "./partition";
import type { BinEdges, BinnedMatrix } from "./bins";
import { buildHistogram, buildRootGradients, histogramTotals, newHistogram, subtractHistogram } from "./histogram";
import { canSplit, findBestSplit, leafValue, Split, type SplitRules } from "./split";
import { Tree } from "./tree";

/** rows between rootTooLight's checks of its partial sum */
const ROOT_SUM_BLOCK = 4096;

export interface GrowthRules extends SplitRules {
  /**
   * "depthwise": every node that can split does, down to maxDepth (XGBoost's default policy); "leafwise": the leaf
   * with the largest gain splits next, until maxLeaves (LightGBM's), within maxDepth
   */
  policy: "depthwise" | "leafwise";
  /** splits on the longest path; Infinity for none */
  maxDepth: number;
  /** leaf-wise only */
  maxLeaves: number;
  /** shrinkage, folded into the leaf values */
  learningRate: number;
}

/**
 * Grows regression trees on gradients and hessians over binned rows, reusing its buffers from tree to tree.
 *
 * The rows of the tree's sample sit in one Uint32Array, each node owning a range of it; a split partitions its range in
 * place (stably, so ranges stay in row order and histogram passes read the codes nearly sequentially). A node that may
 * split holds a histogram: its smaller child's is built from that child's rows and the larger child's is the parent's
 * minus it, computed in the parent's buffer. Children that cannot split (depth or leaf limit) get no histogram at all.
 *
 * Open nodes (with a valid split pending) are taken largest gain first (leaf-wise) or last in, first out
 * (depth-wise). Depth-wise, every node that can split does and each decision reads only the node's own rows, so the
 * order gives the same tree as growing level by level, while keeping at most maxDepth + 1 histograms alive (one
 * pending sibling per level) instead of a whole level's.
 */
export class TreeGrower {
  private readonly idx: Uint32Array;
  private readonly scratch: Uint32Array;
  private readonly pool: Float64Array[] = [];
  /** buildHistogram's second accumulator */
  private readonly spare: Float64Array;
  private readonly capacity: number;
  private readonly begin: Int32Array;
  private readonly end: Int32Array;
  private readonly depth: Int32Array;
  private readonly gradSum: Float64Array;
  private readonly hessSum: Float64Array;
  private readonly splits: Split[] = [];
  private readonly hists: (Float64Array | null)[];
  private readonly open: Int32Array;
  private readonly feature: Int32Array;
  private readonly bin: Int32Array;
  private readonly missingLeft: Uint8Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** nodes of the tree being grown */
  private count = 0;
  /** with fixed hessians, the hessian sums of a histogram over every row (built with the first tree that grows on them all) */
  private allRowsHessians: Float64Array | null = null;

  constructor(
    private readonly data: BinnedMatrix,
    private readonly edges: BinEdges,
    private readonly rules: GrowthRules,
    /** whether every tree's hessians are the same (squared error: the rows' weights), so their sums over the same rows are too */
    private readonly fixedHessians = false,
  ) {
    const n = data.rows;
    this.idx = new Uint32Array(n);
    this.scratch = new Uint32Array(n);
    this.spare = newHistogram(data);
    const maxLeaves = rules.policy === "leafwise" ? rules.maxLeaves : 2 ** Math.min(rules.maxDepth, 30);
    // a leaf holds at least one row, so a tree never has more leaves than rows
    this.capacity = 2 * Math.max(1, Math.min(maxLeaves, n)) - 1;
    const c = this.capacity;
    this.begin = new Int32Array(c);
    this.end = new Int32Array(c);
    this.depth = new Int32Array(c);
    this.gradSum = new Float64Array(c);
    this.hessSum = new Float64Array(c);
    for (let i = 0; i < c; i++) this.splits.push(new Split());
    this.hists = new Array<Float64Array | null>(c).fill(null);
    this.open = new Int32Array(c);
    this.feature = new Int32Array(c);
    this.bin = new Int32Array(c);
    this.missingLeft = new Uint8Array(c);
    this.left = new Int32Array(c);
    this.right = new Int32Array(c);
  }

  /**
   * A tree on gradients and hessians `grad`, `hess` (one per training row) over the training rows rows[0, count),
   * splitting only on `features`.
   */
  grow(rows: Uint32Array, count: number, grad: Float64Array, hess: Float64Array, features: Int32Array): Tree {
    const { rules } = this;
    this.idx.set(rows.subarray(0, count));
    this.count = 1;
    const maxLeaves = rules.policy === "leafwise" ? rules.maxLeaves : Infinity;
    let leaves = 1;
    let open = 0;
    if (rules.maxDepth > 0 && maxLeaves > 1 && features.length > 0) {
      const hist = this.take();
      if (this.rootTooLight(count, hess)) {
        // a root that cannot split (findBestSplit would refuse it unread): only the first feature's bins, for the
        // same sums as the whole histogram's (binsOf: features), at a fraction of its cost
        buildHistogram(hist, this.spare, this.data, features.subarray(0, 1), this.idx, 0, count, grad, hess, features);
        const sums = histogramTotals(hist, this.data, features[0]);
        this.initNode(0, 0, count, 0, sums.grad, sums.hess);
        this.pool.push(hist);
      } else {
        if (this.fixedHessians && count === this.data.rows) this.buildAllRows(hist, features, grad, hess);
        else buildHistogram(hist, this.spare, this.data, features, this.idx, 0, count, grad, hess);
        // the root's sums from the histogram: ~256 bins rather than every row
        const sums = histogramTotals(hist, this.data, features[0]);
        this.initNode(0, 0, count, 0, sums.grad, sums.hess);
        this.hists[0] = hist;
        if (this.evaluate(0, features)) this.open[open++] = 0;
      }
    } else {
      // a tree that cannot split: one leaf, the Newton step of all the rows
      let g = 0;
      let h = 0;
      for (let i = 0; i < count; i++) {
        g += grad[rows[i]];
        h += hess[rows[i]];
      }
      this.initNode(0, 0, count, 0, g, h);
    }
    // the capacity check is a backstop: a split's children each hold hessian, hence rows, so leaves <= rows
    while (open > 0 && leaves < maxLeaves && this.count + 2 <= this.capacity) {
      const pick = rules.policy === "leafwise" ? this.largestGain(open) : open - 1;
      const node = this.open[pick];
      this.open[pick] = this.open[--open];
      const [l, r] = this.split(node);
      leaves++;
      // children that cannot split (findBestSplit refuses them unread) need no histograms
      if (this.depth[node] + 1 < rules.maxDepth && leaves < maxLeaves && (canSplit(this.hessSum[l], rules) || canSplit(this.hessSum[r], rules))) {
        this.childHistograms(node, l, r, grad, hess, features);
        if (this.evaluate(l, features)) this.open[open++] = l;
        if (this.evaluate(r, features)) this.open[open++] = r;
      } else this.release(node);
    }
    for (let i = 0; i < open; i++) this.release(this.open[i]);
    return this.toTree();
  }

  /**
   * Adds the last grown tree's leaf values to raw[row * stride + col] for the rows it was grown on, from the nodes' row
   * ranges (no walk down the tree), and where `exp` is given multiplies exp[row * stride + col] by their exps.
   */
  addLeafValues(tree: Tree, raw: Float64Array, exp: Float64Array | null, stride: number, col: number): void {
    const { idx } = this;
    for (let node = 0; node < this.count; node++) {
      if (this.feature[node] >= 0) continue;
      const v = tree.value[node];
      const begin = this.begin[node];
      const end = this.end[node];
      if (exp) {
        const factor = Math.exp(v);
        for (let i = begin; i < end; i++) {
          const j = idx[i] * stride + col;
          raw[j] += v;
          exp[j] *= factor;
        }
      } else {
        for (let i = begin; i < end; i++) raw[idx[i] * stride + col] += v;
      }
    }
  }

  /**
   * Whether the root's rows, idx[0, count), clearly hold too little hessian to split, from a plain sum of their
   * hessians: it differs from the histogram's sum by rounding only (hessians are >= 0, so by at most about
   * count * epsilon relatively), and a margin of 4x that leaves every close call to findBestSplit on the histogram.
   * Multiclass boosting has many such roots: once a class is fitted, its hessians p(1 - p) sum to under
   * 2 * min_child_weight, and its trees are single leaves. "No" is always a safe answer (the histogram decides), so
   * the sum stops as soon as its partial sum can split (at once for unit hessians); four accumulators keep the
   * additions from waiting on each other.
   */
  private rootTooLight(count: number, hess: Float64Array): boolean {
    const { idx, rules } = this;
    let h0 = 0;
    let h1 = 0;
    let h2 = 0;
    let h3 = 0;
    let i = 0;
    while (i < count) {
      const stop = Math.min(count, i + ROOT_SUM_BLOCK);
      for (; i + 3 < stop; i += 4) {
        h0 += hess[idx[i]];
        h1 += hess[idx[i + 1]];
        h2 += hess[idx[i + 2]];
        h3 += hess[idx[i + 3]];
      }
      for (; i < stop; i++) h0 += hess[idx[i]];
      if (canSplit(h0 + h1 + h2 + h3, rules)) return false;
    }
    return !canSplit((h0 + h1 + h2 + h3) * (1 + 4 * count * Number.EPSILON), rules);
  }

  /** The root's histogram when it holds every row (idx[i] = i) and the hessians are fixed: only the gradients are added. */
  private buildAllRows(hist: Float64Array, features: Int32Array, grad: Float64Array, hess: Float64Array): void {
    if (!this.allRowsHessians) {
      this.allRowsHessians = newHistogram(this.data);
      const all = Int32Array.from(this.data.codes, (_, f) => f);
      buildHistogram(this.allRowsHessians, this.spare, this.data, all, this.idx, 0, this.data.rows, grad, hess);
    }
    buildRootGradients(hist, this.spare, this.data, features, grad, this.allRowsHessians);
  }

  /** Finds the node's best split; releases its histogram and returns false when it has none. */
  private evaluate(node: number, features: Int32Array): boolean {
    const ok = findBestSplit(this.hists[node]!, this.data, features, this.gradSum[node], this.hessSum[node], this.rules, this.splits[node], this.end[node] - this.begin[node]);
    if (!ok) this.release(node);
    return ok;
  }

  private largestGain(open: number): number {
    let best = 0;
    for (let i = 1; i < open; i++) if (this.splits[this.open[i]].gain > this.splits[this.open[best]].gain) best = i;
    return best;
  }

  /** Applies the node's split: partitions its rows stably in place (partition.ts) and creates its two children. */
  private split(node: number): [number, number] {
    const s = this.splits[node];
    const begin = this.begin[node];
    const end = this.end[node];
    const mid = partitionRows(this.data, this.idx, this.scratch, begin, end, s);

    const l = this.count++;
    const r = this.count++;
    const depth = this.depth[node] + 1;
    this.feature[node] = s.feature;
    this.bin[node] = s.bin;
    this.missingLeft[node] = s.missingLeft ? 1 : 0;
    this.left[node] = l;
    this.right[node] = r;
    this.initNode(l, begin, mid, depth, s.gradLeft, s.hessLeft);
    this.initNode(r, mid, end, depth, this.gradSum[node] - s.gradLeft, this.hessSum[node] - s.hessLeft);
    return [l, r];
  }

  private initNode(node: number, begin: number, end: number, depth: number, grad: number, hess: number): void {
    this.begin[node] = begin;
    this.end[node] = end;
    this.depth[node] = depth;
    this.gradSum[node] = grad;
    this.hessSum[node] = hess;
    this.feature[node] = -1;
    this.missingLeft[node] = 0;
    this.left[node] = 0;
    this.right[node] = 0;
  }

  /** The children's histograms: the smaller child's built from its rows, the larger's by subtraction in the parent's buffer. */
  private childHistograms(parent: number, l: number, r: number, grad: Float64Array, hess: Float64Array, features: Int32Array): void {
    const leftSmaller = this.end[l] - this.begin[l] <= this.end[r] - this.begin[r];
    const small = leftSmaller ? l : r;
    const large = leftSmaller ? r : l;
    const hist = this.take();
    buildHistogram(hist, this.spare, this.data, features, this.idx, this.begin[small], this.end[small], grad, hess);
    const parentHist = this.hists[parent]!;
    subtractHistogram(parentHist, hist, this.data, features);
    this.hists[parent] = null;
    this.hists[small] = hist;
    this.hists[large] = parentHist;
  }

  private take(): Float64Array {
    return this.pool.pop() ?? newHistogram(this.data);
  }

  private release(node: number): void {
    const hist = this.hists[node];
    if (hist) this.pool.push(hist);
    this.hists[node] = null;
  }

  /**
   * The grown nodes as a Tree: split thresholds as raw values (bin upper edges), leaf values shrunk; a categorical
   * split (its node's Split, still in this.splits) as the feature's category count and the set of codes going left.
   */
  private toTree(): Tree {
    const n = this.count;
    const threshold = new Float64Array(n);
    const value = new Float64Array(n);
    let catStart: Int32Array | undefined;
    const catBits: number[] = [];
    for (let i = 0; i < n; i++) {
      const f = this.feature[i];
      if (f >= 0 && this.splits[i].categorical) {
        catStart ??= new Int32Array(n + 1);
        const categories = this.edges.categories[f];
        threshold[i] = categories;
        const at = catBits.length;
        for (let w = 0; w < Math.ceil(categories / 32); w++) catBits.push(0);
        const left = this.splits[i].leftBins;
        for (let c = 0; c < categories; c++) if (left[c]) catBits[at + (c >>> 5)] |= 1 << (c & 31);
      } else if (f >= 0) threshold[i] = this.edges.threshold(f, this.bin[i]);
      else value[i] = this.rules.learningRate * leafValue(this.gradSum[i], this.hessSum[i], this.rules.lambda);
      if (catStart) catStart[i + 1] = catBits.length;
    }
    return new Tree(
      {
        feature: this.feature.slice(0, n),
        threshold,
        missingLeft: this.missingLeft.slice(0, n),
        left: this.left.slice(0, n),
        right: this.right.slice(0, n),
        value,
        ...(catStart && { catStart, catBits: Uint32Array.from(catBits) }),
      },
      this.data.codes.length,
    );
  }
}
