import type { Matrix } from "../family";

/** The code of a categorical feature's value with n categories: v where v is one of 0..n-1, else -1 (missing). */
export function categoryCode(v: number, n: number): number {
  return v >= 0 && v < n && Math.floor(v) === v ? v : -1;
}

/** A tree's nodes as parallel arrays: what growth produces, persistence stores and prediction walks. */
export interface TreeArrays {
  /** the split's feature; -1 at a leaf */
  feature: Int32Array;
  /**
   * rows with a value <= threshold go left (the upper edge of the split's last left bin; Infinity: every value); at a
   * categorical split, the feature's category count n instead
   */
  threshold: Float64Array;
  /** 1 where missing values (NaN; at a categorical split, any value that is not a code 0..n-1) go left */
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** a leaf's contribution to the raw score, shrinkage included; 0 at a split */
  value: Float64Array;
  /**
   * categorical splits (absent where the tree has none): node i's categories that go left are the set bits of
   * catBits[catStart[i], catStart[i + 1]) (code c: bit c & 31 of word c >> 5), ceil(n / 32) words at a categorical
   * split and none elsewhere; categories not in the set go right. catStart has one entry per node and one more.
   */
  catStart?: Int32Array;
  catBits?: Uint32Array;
}

/** the arrays with one entry per node */
const NODE_ARRAYS = ["feature", "threshold", "missingLeft", "left", "right", "value"] as const;

/**
 * A regression tree stored flat, node 0 the root and every child after its parent, so a walk needs no objects and
 * always ends. It predicts on raw float rows, as the model is used after training.
 */
export class Tree implements TreeArrays {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly catStart: Int32Array | undefined;
  readonly catBits: Uint32Array | undefined;

  /** Checks that the arrays form a tree over `features` columns (as a loaded file must). */
  constructor(a: TreeArrays, features: number) {
    const n = a.feature.length;
    if (n === 0) throw new Error("gbdt: a tree needs at least one node");
    for (const name of NODE_ARRAYS) {
      if (a[name].length !== n) throw new Error(`gbdt: a tree's ${name} has ${a[name].length} entries for ${n} nodes`);
    }
    const cat = a.catStart;
    if ((cat === undefined) !== (a.catBits === undefined)) throw new Error("gbdt: a tree's catStart and catBits come together");
    if (cat && !(cat.length === n + 1 && cat[0] === 0 && cat[n] === a.catBits!.length)) throw new Error("gbdt: a tree's categorical splits are out of range");
    for (let i = 0; i < n; i++) {
      const f = a.feature[i];
      const words = cat ? cat[i + 1] - cat[i] : 0;
      if (f === -1) {
        if (words !== 0) throw new Error(`gbdt: leaf ${i} has categories`);
        continue;
      }
      if (!(f >= 0 && f < features)) throw new Error(`gbdt: node ${i} splits on feature ${f} of ${features}`);
      // children after their parent: no cycles, and every walk ends at a leaf
      if (!(a.left[i] > i && a.left[i] < n && a.right[i] > i && a.right[i] < n)) throw new Error(`gbdt: node ${i} has children out of order`);
      if (Number.isNaN(a.threshold[i])) throw new Error(`gbdt: node ${i} has no threshold`);
      const t = a.threshold[i];
      if (words !== 0 && !(Number.isInteger(t) && t >= 1 && words === Math.ceil(t / 32))) throw new Error(`gbdt: node ${i} has ${words} words of categories for ${t} categories`);
    }
    this.feature = a.feature;
    this.threshold = a.threshold;
    this.missingLeft = a.missingLeft;
    this.left = a.left;
    this.right = a.right;
    this.value = a.value;
    this.catStart = cat;
    this.catBits = a.catBits;
  }

  get nodes(): number {
    return this.feature.length;
  }

  leaves(): number {
    let n = 0;
    for (let i = 0; i < this.feature.length; i++) if (this.feature[i] < 0) n++;
    return n;
  }

  /** the features its splits read, once each */
  splitFeatures(): number[] {
    const seen = new Set<number>();
    for (let i = 0; i < this.feature.length; i++) if (this.feature[i] >= 0) seen.add(this.feature[i]);
    return [...seen];
  }

  /** the longest root-to-leaf path, in splits */
  depth(): number {
    const d = new Int32Array(this.nodes);
    let max = 0;
    for (let i = 0; i < this.nodes; i++) {
      if (this.feature[i] < 0) continue;
      d[this.left[i]] = d[this.right[i]] = d[i] + 1;
      max = Math.max(max, d[i] + 1);
    }
    return max;
  }

  /** The leaf that the row starting at data[offset] falls in; NaN (and a categorical split's non-codes) follows the split's default direction. */
  leafOf(data: Float32Array, offset: number): number {
    const cat = this.catStart;
    let node = 0;
    let f = this.feature[0];
    while (f >= 0) {
      const v = data[offset + f];
      const goLeft =
        cat !== undefined && cat[node + 1] > cat[node] ? this.categoryLeft(node, v) : v === v ? v <= this.threshold[node] : this.missingLeft[node] === 1;
      node = goLeft ? this.left[node] : this.right[node];
      f = this.feature[node];
    }
    return node;
  }

  /** whether value v goes left at categorical split `node` */
  private categoryLeft(node: number, v: number): boolean {
    const c = categoryCode(v, this.threshold[node]);
    if (c < 0) return this.missingLeft[node] === 1;
    return ((this.catBits![this.catStart![node] + (c >>> 5)] >>> (c & 31)) & 1) === 1;
  }

  /** the categories that go left at node `node`, ascending; null at a threshold split or a leaf */
  leftCategories(node: number): number[] | null {
    const cat = this.catStart;
    if (!cat || cat[node + 1] === cat[node]) return null;
    const out: number[] = [];
    for (let c = 0; c < this.threshold[node]; c++) if ((this.catBits![cat[node] + (c >>> 5)] >>> (c & 31)) & 1) out.push(c);
    return out;
  }

  /** Adds the tree's value for every row of x to out[row * stride + col]. */
  addTo(x: Matrix, out: Float64Array, stride: number, col: number): void {
    for (let r = 0; r < x.rows; r++) out[r * stride + col] += this.value[this.leafOf(x.data, r * x.cols)];
  }
}
