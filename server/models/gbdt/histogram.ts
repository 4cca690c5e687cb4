import type { BinCodes, BinnedMatrix } from "./bins";

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
 * Fills `hist` for `features` with the sums over the rows idx[begin, end); `spare` is scratch of the same size.
 * `binsOf` (by default `features`) are the features whose bin count decides whether alternate rows go to `spare`
 * (below): a histogram built in parts passes all of its features, so each part holds exactly the sums (to the bit)
 * that one build of them all would.
 *
 * This is the hottest loop of training, and its cost is latency: rows in the same bin make a chain of additions to
 * one slot, each waiting for the last (store-to-load forwarding). Two things break the chains (on shuttle's root
 * histograms, 2-3x faster per row than one feature and one accumulator at a time):
 * - features go four to a pass over the rows, so a row's index, gradient and hessian are read once for four
 *   independent additions;
 * - where the node has more rows than the features have bins, alternate rows add into `spare`, which is then added
 *   into `hist` (on fewer rows, that merge would cost more than it saves).
 */
export function buildHistogram(
  hist: Float64Array,
  spare: Float64Array,
  data: BinnedMatrix,
  features: Int32Array,
  idx: Uint32Array,
  begin: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
  binsOf: Int32Array = features,
): void {
  const { codes, binStart, missingBin } = data;
  let bins = 0;
  for (let fi = 0; fi < binsOf.length; fi++) bins += missingBin[binsOf[fi]] + 1;
  const second = end - begin > bins ? spare : hist;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    hist.fill(0, 2 * binStart[f], 2 * (binStart[f] + missingBin[f] + 1));
    if (second !== hist) second.fill(0, 2 * binStart[f], 2 * (binStart[f] + missingBin[f] + 1));
  }
  let fi = 0;
  for (; fi + 4 <= features.length; fi += 4) {
    const f0 = features[fi];
    const f1 = features[fi + 1];
    const f2 = features[fi + 2];
    const f3 = features[fi + 3];
    accumulate4(hist, second, codes[f0], codes[f1], codes[f2], codes[f3], 2 * binStart[f0], 2 * binStart[f1], 2 * binStart[f2], 2 * binStart[f3], idx, begin, end, grad, hess);
  }
  for (; fi < features.length; fi++) accumulate1(hist, second, codes[features[fi]], 2 * binStart[features[fi]], idx, begin, end, grad, hess);
  if (second !== hist) {
    for (let fi = 0; fi < features.length; fi++) {
      const f = features[fi];
      const stop = 2 * (binStart[f] + missingBin[f] + 1);
      for (let b = 2 * binStart[f]; b < stop; b++) hist[b] += second[b];
    }
  }
}

/** Four features' additions for rows idx[begin, end): even rows into a, odd rows into b (which may be a). */
function accumulate4(
  a: Float64Array,
  b: Float64Array,
  c0: BinCodes,
  c1: BinCodes,
  c2: BinCodes,
  c3: BinCodes,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
  idx: Uint32Array,
  begin: number,
  end: number,
  grad: Float64Array,
  hess: Float64Array,
): void {
  let i = begin;
  for (; i + 1 < end; i += 2) {
    const r = idx[i];
    const s = idx[i + 1];
    const gr = grad[r];
    const hr = hess[r];
    const gs = grad[s];
    const hs = hess[s];
    let p = o0 + 2 * c0[r];
    let q = o0 + 2 * c0[s];
    a[p] += gr;
    a[p + 1] += hr;
    b[q] += gs;
    b[q + 1] += hs;
    p = o1 + 2 * c1[r];
    q = o1 + 2 * c1[s];
    a[p] += gr;
    a[p + 1] += hr;
    b[q] += gs;
    b[q + 1] += hs;
    p = o2 + 2 * c2[r];
    q = o2 + 2 * c2[s];
    a[p] += gr;
    a[p + 1] += hr;
    b[q] += gs;
    b[q + 1] += hs;
    p = o3 + 2 * c3[r];
    q = o3 + 2 * c3[s];
    a[p] += gr;
    a[p + 1] += hr;
    b[q] += gs;
    b[q + 1] += hs;
  }
  if (i < end) {
    const r = idx[i];
    add(a, o0 + 2 * c0[r], grad[r], hess[r]);
    add(a, o1 + 2 * c1[r], grad[r], hess[r]);
    add(a, o2 + 2 * c2[r], grad[r], hess[r]);
    add(a, o3 + 2 * c3[r], grad[r], hess[r]);
  }
}

function add(hist: Float64Array, at: number, g: number, h: number): void {
  hist[at] += g;
  hist[at + 1] += h;
}

/** One feature's additions for rows idx[begin, end): even rows into a, odd rows into b (which may be a). */
function accumulate1(a: Float64Array, b: Float64Array, c0: BinCodes, o0: number, idx: Uint32Array, begin: number, end: number, grad: Float64Array, hess: Float64Array): void {
  let i = begin;
  for (; i + 1 < end; i += 2) {
    const r = idx[i];
    const s = idx[i + 1];
    const p = o0 + 2 * c0[r];
    const q = o0 + 2 * c0[s];
    a[p] += grad[r];
    a[p + 1] += hess[r];
    b[q] += grad[s];
    b[q + 1] += hess[s];
  }
  if (i < end) add(a, o0 + 2 * c0[idx[i]], grad[idx[i]], hess[idx[i]]);
}

/**
 * A histogram over all of `data`'s rows, in order, whose hessian sums are already known: fills the gradient sums of
 * `features` from the rows and copies their hessian sums from `hessians` (a histogram of the same rows). Squared error's
 * hessians are the rows' weights, the same every round, so on a tree that grows on every row the root's hessian sums
 * never change; reading the rows directly (no index) and adding only gradients cut the root's build by 38% (random
 * bin codes, 8 features). Alternate rows go to `spare`, as in buildHistogram.
 */
export function buildRootGradients(hist: Float64Array, spare: Float64Array, data: BinnedMatrix, features: Int32Array, grad: Float64Array, hessians: Float64Array): void {
  const { codes, binStart, missingBin, rows } = data;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    hist.fill(0, 2 * binStart[f], 2 * (binStart[f] + missingBin[f] + 1));
    spare.fill(0, 2 * binStart[f], 2 * (binStart[f] + missingBin[f] + 1));
  }
  let fi = 0;
  for (; fi + 4 <= features.length; fi += 4) {
    const [f0, f1, f2, f3] = [features[fi], features[fi + 1], features[fi + 2], features[fi + 3]];
    gradients4(hist, spare, codes[f0], codes[f1], codes[f2], codes[f3], 2 * binStart[f0], 2 * binStart[f1], 2 * binStart[f2], 2 * binStart[f3], rows, grad);
  }
  for (; fi < features.length; fi++) {
    const c0 = codes[features[fi]];
    const o0 = 2 * binStart[features[fi]];
    let r = 0;
    for (; r + 1 < rows; r += 2) {
      hist[o0 + 2 * c0[r]] += grad[r];
      spare[o0 + 2 * c0[r + 1]] += grad[r + 1];
    }
    if (r < rows) hist[o0 + 2 * c0[r]] += grad[r];
  }
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const stop = 2 * (binStart[f] + missingBin[f] + 1);
    for (let b = 2 * binStart[f]; b < stop; b += 2) {
      hist[b] += spare[b];
      hist[b + 1] = hessians[b + 1];
    }
  }
}

/** Four features' gradient additions for rows [0, rows): even rows into a, odd rows into b. */
function gradients4(a: Float64Array, b: Float64Array, c0: BinCodes, c1: BinCodes, c2: BinCodes, c3: BinCodes, o0: number, o1: number, o2: number, o3: number, rows: number, grad: Float64Array): void {
  let r = 0;
  for (; r + 1 < rows; r += 2) {
    const s = r + 1;
    const gr = grad[r];
    const gs = grad[s];
    a[o0 + 2 * c0[r]] += gr;
    b[o0 + 2 * c0[s]] += gs;
    a[o1 + 2 * c1[r]] += gr;
    b[o1 + 2 * c1[s]] += gs;
    a[o2 + 2 * c2[r]] += gr;
    b[o2 + 2 * c2[s]] += gs;
    a[o3 + 2 * c3[r]] += gr;
    b[o3 + 2 * c3[s]] += gs;
  }
  if (r < rows) {
    a[o0 + 2 * c0[r]] += grad[r];
    a[o1 + 2 * c1[r]] += grad[r];
    a[o2 + 2 * c2[r]] += grad[r];
    a[o3 + 2 * c3[r]] += grad[r];
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

/** The gradient and hessian sums of all the rows a histogram was built on, from one feature's bins. */
export function histogramTotals(hist: Float64Array, data: BinnedMatrix, feature: number): { grad: number; hess: number } {
  let g = 0;
  let h = 0;
  const end = 2 * (data.binStart[feature] + data.missingBin[feature] + 1);
  for (let b = 2 * data.binStart[feature]; b < end; b += 2) {
    g += hist[b];
    h += hist[b + 1];
  }
  return { grad: g, hess: h };
}
