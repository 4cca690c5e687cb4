import type { Matrix } from "../family";

/** A tree's nodes as parallel arrays: what growth produces, persistence stores and prediction walks. */
export interface TreeArrays {
  /** the split's feature; -1 at a leaf */
  feature: Int32Array;
  /** rows with a value <= threshold go left (the upper edge of the split's last left bin; Infinity: every value) */
  threshold: Float64Array;
  /** 1 where missing values (NaN) go left */
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** a leaf's contribution to the raw score, shrinkage included; 0 at a split */
  value: Float64Array;
}

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

  /** Checks that the arrays form a tree over `features` columns (as a loaded file must). */
  constructor(a: TreeArrays, features: number) {
    const n = a.feature.length;
    if (n === 0) throw new Error("gbdt: a tree needs at least one node");
    for (const [name, arr] of Object.entries(a)) {
      if ((arr as ArrayLike<number>).length !== n) throw new Error(`gbdt: a tree's ${name} has ${(arr as ArrayLike<number>).length} entries for ${n} nodes`);
    }
    for (let i = 0; i < n; i++) {
      const f = a.feature[i];
      if (f === -1) continue;
      if (!(f >= 0 && f < features)) throw new Error(`gbdt: node ${i} splits on feature ${f} of ${features}`);
      // children after their parent: no cycles, and every walk ends at a leaf
      if (!(a.left[i] > i && a.left[i] < n && a.right[i] > i && a.right[i] < n)) throw new Error(`gbdt: node ${i} has children out of order`);
      if (Number.isNaN(a.threshold[i])) throw new Error(`gbdt: node ${i} has no threshold`);
    }
    this.feature = a.feature;
    this.threshold = a.threshold;
    this.missingLeft = a.missingLeft;
    this.left = a.left;
    this.right = a.right;
    this.value = a.value;
  }

  get nodes(): number {
    return this.feature.length;
  }

  leaves(): number {
    let n = 0;
    for (let i = 0; i < this.feature.length; i++) if (this.feature[i] < 0) n++;
    return n;
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

  /** The leaf that the row starting at data[offset] falls in; NaN follows the split's default direction. */
  leafOf(data: Float32Array, offset: number): number {
    let node = 0;
    let f = this.feature[0];
    while (f >= 0) {
      const v = data[offset + f];
      const goLeft = v === v ? v <= this.threshold[node] : this.missingLeft[node] === 1;
      node = goLeft ? this.left[node] : this.right[node];
      f = this.feature[node];
    }
    return node;
  }

  /** Adds the tree's value for every row of x to out[row * stride + col]. */
  addTo(x: Matrix, out: Float64Array, stride: number, col: number): void {
    for (let r = 0; r < x.rows; r++) out[r * stride + col] += this.value[this.leafOf(x.data, r * x.cols)];
  }
}
