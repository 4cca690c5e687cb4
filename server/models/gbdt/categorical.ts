import type { BinnedMatrix } from "./bins";
import type { Split } from "./split";

/**
 * Split finding on a categorical feature (bins.ts: bin c holds category code c, then the missing bin): the best
 * partition of its bins into a left and a right set, LightGBM's way, with LightGBM's default settings.
 *
 * With few bins, each bin against all the others (one-vs-rest). Otherwise the bins with at least CAT_SMOOTH rows are
 * sorted by their smoothed gradient/hessian ratio G / (H + CAT_SMOOTH), and the sets to try are the prefixes of that
 * order, from either end, of at most MAX_CAT_THRESHOLD bins (and at most half of them): sorted by the ratio (the leaf
 * value's direction) the best partition into two sets is a prefix for squared error (Fisher 1958), and nearly so for
 * other losses. Such a search fits noise more easily than a threshold, so it is held back: the children score with an
 * extra L2 penalty CAT_L2, a cut is considered only every MIN_DATA_PER_GROUP rows along the order, and the right side
 * keeps at least MIN_DATA_PER_GROUP rows. Bins left out of the order (too few rows) go right.
 *
 * The missing bin takes part like a category, so training chooses the side of missing values; at prediction time a
 * value that is not one of the feature's codes goes that way too (tree.ts), and a code never seen left goes right.
 * Row counts are estimated from hessians, as LightGBM does: a bin's hessian times the node's rows per unit of hessian.
 */

/** at most this many bins (the missing bin included): one-vs-rest (LightGBM's max_cat_to_onehot) */
const MAX_ONE_VS_REST = 4;
/** smoothing of the ratio that orders the bins, and the least rows of a bin to be ordered (cat_smooth) */
const CAT_SMOOTH = 10;
/** added to lambda in the children's scores of a sorted-order split (cat_l2) */
const CAT_L2 = 10;
/** rows between two cuts tried along the order, and the least rows on the right (min_data_per_group) */
const MIN_DATA_PER_GROUP = 100;
/** most bins on the left of a sorted-order split (max_cat_threshold) */
const MAX_CAT_THRESHOLD = 32;

/** scratch of the sorted-order search, grown as needed */
let order = new Int32Array(256);
let ratio = new Float64Array(256);

/**
 * The best split of categorical feature f of a node with gradient and hessian sums G, H over `rows` rows, if its
 * children's score (as findBestSplit's: the sum of G² / (H + lambda) of each) beats `best`: then written into `out`,
 * and the new score returned; else `best`. Each child needs hessian minHess.
 */
export function bestCategoricalSplit(
  hist: Float64Array,
  data: BinnedMatrix,
  f: number,
  G: number,
  H: number,
  rows: number,
  lambda: number,
  minHess: number,
  best: number,
  out: Split,
): number {
  const base = 2 * data.binStart[f];
  const bins = data.missingBin[f] + 1;
  if (bins <= MAX_ONE_VS_REST) {
    for (let t = 0; t < bins; t++) {
      const gl = hist[base + 2 * t];
      const hl = hist[base + 2 * t + 1];
      const hr = H - hl;
      if (hl < minHess || hr < minHess) continue;
      const gr = G - gl;
      const s = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
      if (s > best) {
        best = s;
        record(out, f, bins, [t], 0, 1, 1, gl, hl);
      }
    }
    return best;
  }

  const perHess = rows / H;
  if (order.length < bins) {
    order = new Int32Array(bins);
    ratio = new Float64Array(bins);
  }
  let used = 0;
  for (let t = 0; t < bins; t++) {
    const h = hist[base + 2 * t + 1];
    if (Math.round(h * perHess) >= CAT_SMOOTH) {
      order[used++] = t;
      ratio[t] = hist[base + 2 * t] / (h + CAT_SMOOTH);
    }
  }
  if (used < 2) return best;
  const sorted = order.subarray(0, used).sort((a, b) => ratio[a] - ratio[b] || a - b);
  const l2 = lambda + CAT_L2;
  const maxLeft = Math.min(MAX_CAT_THRESHOLD, (used + 1) >> 1);
  for (const dir of [1, -1]) {
    const start = dir === 1 ? 0 : used - 1;
    let gl = 0;
    let hl = 0;
    let leftRows = 0;
    let group = 0;
    for (let i = 0; i < used && i < maxLeft; i++) {
      const t = sorted[start + dir * i];
      const g = hist[base + 2 * t];
      const h = hist[base + 2 * t + 1];
      const count = Math.round(h * perHess);
      gl += g;
      hl += h;
      leftRows += count;
      group += count;
      if (hl < minHess) continue;
      const hr = H - hl;
      if (rows - leftRows < MIN_DATA_PER_GROUP || hr < minHess) break;
      if (group < MIN_DATA_PER_GROUP) continue;
      group = 0;
      const gr = G - gl;
      const s = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2);
      if (s > best) {
        best = s;
        record(out, f, bins, sorted, start, dir, i + 1, gl, hl);
      }
    }
  }
  return best;
}

/** a categorical split of feature f: the `count` bins of `from` from index start on, stepping by dir, go left */
function record(out: Split, f: number, bins: number, from: ArrayLike<number>, start: number, dir: number, count: number, gl: number, hl: number): void {
  if (out.leftBins.length < bins) out.leftBins = new Uint8Array(bins);
  const left = out.leftBins;
  left.fill(0, 0, bins);
  for (let i = 0; i < count; i++) left[from[start + dir * i]] = 1;
  out.categorical = true;
  out.feature = f;
  out.bin = 0;
  out.missingLeft = left[bins - 1] === 1;
  out.gradLeft = gl;
  out.hessLeft = hl;
}
