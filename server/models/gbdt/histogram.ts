import type { BinnedMatrix } from "./bins";

/**
 * Gradient histograms: for a node's rows, the sums of gradients and hessians in every bin of every feature. Split
 * finding reads only these, so its cost does not grow with the rows. A histogram is one Float64Array with the
 * features' bins end to end (BinnedMatrix.binStart) and the gradient and hessian sums of a bin side by side
 * (2 * bin, 2 * bin + 1), so one cache line serves both.
 */

/** A histogram buffer over all features of `data`; buildHistogram fills the features it is given. */
export function newHistogram(data: BinnedMatrix): Float64Array {
  return new Float64Array(2 * data.totalBins);
}

/**
 * Fills `hist` for `features` with the sums over rows idx[begin, end). The rows' gradients and hessians are first
 * gathered in order into `gh` (2 per row), so that the per-feature passes read them sequentially and only the bin
 * codes are read at random.
 */
export function buildHistogram(
  hist: Float64Array,
  data: BinnedMatrix,
  features: Int32Array,
  idx: Uint32Array,
  begin: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  gh: Float64Array,
): void {
  for (let i = begin, k = 0; i < end; i++, k += 2) {
    const r = idx[i];
    gh[k] = grad[r];
    gh[k + 1] = hess[r];
  }
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const codes = data.codes[f];
    const base = 2 * data.binStart[f];
    hist.fill(0, base, base + 2 * (data.missingBin[f] + 1));
    for (let i = begin, k = 0; i < end; i++, k += 2) {
      const b = base + 2 * codes[idx[i]];
      hist[b] += gh[k];
      hist[b + 1] += gh[k + 1];
    }
  }
}

/**
 * The histogram-subtraction trick: a node's histogram minus one child's is the other child's. Turns `parent` into
 * the sibling of `child`, in place, for `features`; so only the smaller child is ever built from its rows.
 */
export function subtractHistogram(parent: Float64Array, child: Float64Array, data: BinnedMatrix, features: Int32Array): void {
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const end = 2 * (data.binStart[f] + data.missingBin[f] + 1);
    for (let b = 2 * data.binStart[f]; b < end; b++) parent[b] -= child[b];
  }
}
