import type { Matrix } from "../family";
import { rowSubset } from "../shared/row-subset";
import { categoryCode } from "./tree";

/**
 * Feature binning: each feature's values are replaced by the index of a quantile bin, so that split finding scans at
 * most max_bins candidate thresholds per feature instead of every distinct value (the "hist" method of XGBoost and
 * LightGBM). Missing values (NaN) get a bin of their own, after the value bins, so the split search can send them
 * either way.
 *
 * A categorical feature (FitInput.categorical: n categories, coded 0..n-1) is binned by code instead: bin c holds code
 * c, and any other value (NaN, -1 for "no category", a code out of range) is missing. Its edges are c + 0.5, so the
 * codes still sort as its bins do. Split finding then partitions its bins into sets (categorical.ts).
 */

/** Rows whose values place the bin edges: quantiles of more rows would move the edges little, and cost a sort of them all. */
const BIN_SAMPLE_ROWS = 200_000;

export type BinCodes = Uint8Array | Uint16Array;

/** The training rows as bin codes, column-major, with the layout of a histogram over all features. */
export interface BinnedMatrix {
  rows: number;
  /** per feature, the bin of every row */
  codes: BinCodes[];
  /** per feature, the bin of its missing values: one past its value bins (so also its count of value bins) */
  missingBin: Int32Array;
  /** per feature, where its bins start in a histogram (every feature's bins, missing bin included, end to end) */
  binStart: Int32Array;
  totalBins: number;
  /** the features whose rows fall in more than one bin; the others (constant features) can never split */
  splittable: Int32Array;
  /** per feature, its category count where it is binned by category code (bin c holds code c), else 0 */
  categories: Int32Array;
}

/**
 * Per feature, the upper edges of its value bins but the last (which is unbounded): bin b holds the values v with
 * upper[b - 1] < v <= upper[b]. A split after bin b sends v <= upper[b] left, on the raw values as on the codes.
 */
export class BinEdges {
  constructor(
    readonly upper: Float64Array[],
    /** per feature, its category count where it is categorical (binned by code), else 0 */
    readonly categories: Int32Array = new Int32Array(upper.length),
  ) {}

  /**
   * Edges at quantiles of (a seeded sample of at most BIN_SAMPLE_ROWS of) x's rows, at most maxBins value bins per
   * feature; a feature with n categories in `categorical` gets one bin per code where n <= maxBins (more categories
   * than that: binned by value, as a number).
   */
  static fit(x: Matrix, maxBins: number, seed: number, categorical?: readonly (number | null)[]): BinEdges {
    if (categorical && categorical.length !== x.cols) throw new Error(`gbdt: categorical info for ${categorical.length} features, got ${x.cols} columns`);
    const categories = new Int32Array(x.cols);
    categorical?.forEach((n, f) => {
      if (n !== null && Number.isInteger(n) && n >= 1 && n <= maxBins) categories[f] = n;
    });
    const rows = rowSubset(x.rows, BIN_SAMPLE_ROWS, seed);
    // the values are float32: sorted as such, they sort faster and exactly the same
    const values = new Float32Array(rows.length);
    const upper: Float64Array[] = [];
    for (let f = 0; f < x.cols; f++) {
      if (categories[f] > 0) {
        upper.push(Float64Array.from({ length: categories[f] - 1 }, (_, c) => c + 0.5));
        continue;
      }
      let n = 0;
      for (let i = 0; i < rows.length; i++) {
        const v = x.data[rows[i] * x.cols + f];
        if (v === v) values[n++] = v; // NaN is missing: its bin is not placed by quantiles
      }
      upper.push(quantileEdges(values.subarray(0, n).sort(), maxBins));
    }
    return new BinEdges(upper, categories);
  }

  /** The raw-value threshold of a split after value bin `bin` of `feature`: that bin's upper edge. */
  threshold(feature: number, bin: number): number {
    const e = this.upper[feature];
    return bin < e.length ? e[bin] : Infinity;
  }

  /** x's values as bin codes; one byte per value when every feature has at most 256 bins (missing bin included). */
  bin(x: Matrix): BinnedMatrix {
    if (x.cols !== this.upper.length) throw new Error(`gbdt: bin edges for ${this.upper.length} features, got ${x.cols} columns`);
    const missingBin = Int32Array.from(this.upper, (e) => e.length + 1);
    const binStart = new Int32Array(x.cols);
    let totalBins = 0;
    for (let f = 0; f < x.cols; f++) {
      binStart[f] = totalBins;
      totalBins += missingBin[f] + 1;
    }
    const wide = missingBin.some((m) => m > 255);
    const codes: BinCodes[] = [];
    const splittable: number[] = [];
    for (let f = 0; f < x.cols; f++) {
      const c = wide ? new Uint16Array(x.rows) : new Uint8Array(x.rows);
      const e = this.upper[f];
      const m = missingBin[f];
      const n = this.categories[f];
      let first = -1;
      let varies = false;
      for (let r = 0; r < x.rows; r++) {
        const v = x.data[r * x.cols + f];
        const b = n > 0 ? (categoryCode(v, n) >= 0 ? v : m) : v === v ? binOf(e, v) : m;
        c[r] = b;
        if (first < 0) first = b;
        else if (b !== first) varies = true;
      }
      codes.push(c);
      if (varies) splittable.push(f);
    }
    return { rows: x.rows, codes, missingBin, binStart, totalBins, splittable: Int32Array.from(splittable), categories: this.categories };
  }
}

/** The first bin whose upper edge is >= v (binary search); the last value bin when v is above every edge. */
function binOf(upper: Float64Array, v: number): number {
  let lo = 0;
  let hi = upper.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= upper[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Upper edges of at most maxBins bins over sorted values. With few distinct values each gets its own bin; otherwise
 * bins are filled greedily to an equal share of the rows still unbinned, so a value repeated in many rows gets a bin of
 * its own without starving the rest. Edges sit midway between neighbouring distinct values.
 */
function quantileEdges(sorted: Float32Array, maxBins: number): Float64Array {
  const n = sorted.length;
  const distinct = new Float64Array(n);
  const counts = new Int32Array(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    if (d > 0 && sorted[i] === distinct[d - 1]) counts[d - 1]++;
    else {
      distinct[d] = sorted[i];
      counts[d++] = 1;
    }
  }
  const edges: number[] = [];
  let binsLeft = maxBins;
  let rowsLeft = n;
  let inBin = 0;
  for (let i = 0; i < d - 1 && binsLeft > 1; i++) {
    inBin += counts[i];
    // close the bin when it holds its share, or when every remaining value can still have a bin of its own
    if (inBin >= rowsLeft / binsLeft || d - 1 - i < binsLeft) {
      edges.push((distinct[i] + distinct[i + 1]) / 2);
      rowsLeft -= inBin;
      inBin = 0;
      binsLeft--;
    }
  }
  return Float64Array.from(edges);
}
