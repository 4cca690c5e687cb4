import type { BinnedMatrix } from "./bins";
import { bestCategoricalSplit } from "./categorical";

/**
 * Split finding on a histogram, with XGBoost's second-order objective: a leaf with gradient sum G and hessian sum H
 * scores G² / (H + lambda), and a split gains half the children's scores less the parent's.
 */

export interface SplitRules {
  /** L2 penalty on leaf values */
  lambda: number;
  /** least hessian sum in each child */
  minChildWeight: number;
  /** least gain for a split (XGBoost's gamma) */
  minSplitGain: number;
}

/**
 * The least hessian sum a child must hold whatever min_child_weight says: a bin of a histogram derived by
 * subtraction can hold rounding residue where it has no rows, and that must not pass for a child.
 */
const MIN_CHILD_HESSIAN = 1e-6;
/** A gain below this fraction of the parent's score is rounding, not structure. */
const RELATIVE_GAIN_EPS = 1e-12;

/**
 * The best split of a node: rows with a code <= bin go left, and missing values go left when missingLeft; or where
 * `categorical`, the rows whose bin b has leftBins[b] = 1 (missingLeft says the same of the missing bin).
 */
export class Split {
  gain = 0;
  feature = -1;
  bin = 0;
  missingLeft = false;
  gradLeft = 0;
  hessLeft = 0;
  categorical = false;
  /** a categorical split's bins that go left (1), the feature's missing bin included; grown as needed */
  leftBins = new Uint8Array(0);
}

/** A leaf's value before shrinkage: the Newton step -G / (H + lambda); 0 for a leaf without hessian. */
export function leafValue(grad: number, hess: number, lambda: number): number {
  const d = hess + lambda;
  return d > 0 ? -grad / d : 0;
}

/**
 * Whether a node with hessian sum H can split at all: each child needs min_child_weight (and MIN_CHILD_HESSIAN) of
 * it. findBestSplit returns false without reading the histogram when it cannot, so a node known not to need not
 * have one.
 */
export function canSplit(H: number, rules: SplitRules): boolean {
  return !(H < 2 * Math.max(rules.minChildWeight, MIN_CHILD_HESSIAN));
}

/**
 * Writes the best split of a node with gradient and hessian sums G, H and histogram `hist` into `out`, scanning the
 * thresholds of `features` twice where the node has missing values: with them on the right, then on the left
 * (XGBoost's and LightGBM's learned default direction). Without missing values in the node, missing values at
 * prediction time follow the child with more hessian. A categorical feature's bins are partitioned into two sets
 * instead (categorical.ts), which needs the node's row count `rows` (absent: H, right for unit hessians). Returns
 * whether a split clears the rules; the first of equal gains wins, so the result depends only on the inputs.
 */
export function findBestSplit(hist: Float64Array, data: BinnedMatrix, features: Int32Array, G: number, H: number, rules: SplitRules, out: Split, rows = H): boolean {
  const lambda = rules.lambda;
  const minHess = Math.max(rules.minChildWeight, MIN_CHILD_HESSIAN);
  out.feature = -1;
  out.categorical = false;
  if (!canSplit(H, rules)) return false;
  const parentScore = (G * G) / (H + lambda);
  let best = parentScore; // children's score to beat
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    if (data.categories[f] > 0) {
      best = bestCategoricalSplit(hist, data, f, G, H, rows, lambda, minHess, best, out);
      continue;
    }
    const base = 2 * data.binStart[f];
    const m = data.missingBin[f];
    const gMissing = hist[base + 2 * m];
    const hMissing = hist[base + 2 * m + 1];
    // missing mass below a child's minimum is residue or rows too certain to matter: treated as none
    const hasMissing = hMissing >= minHess;

    // missing values right; where there are some, the last threshold splits them from all the values
    let gl = 0;
    let hl = 0;
    const last = hasMissing ? m - 1 : m - 2;
    for (let t = 0; t <= last; t++) {
      gl += hist[base + 2 * t];
      hl += hist[base + 2 * t + 1];
      if (hl < minHess) continue;
      const hr = H - hl;
      if (hr < minHess) break; // hessians are >= 0: the right side only shrinks from here
      const gr = G - gl;
      const s = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
      if (s > best) {
        best = s;
        record(out, f, t, hasMissing ? false : hl > hr, gl, hl);
      }
    }
    if (!hasMissing) continue;

    // missing values left
    gl = gMissing;
    hl = hMissing;
    for (let t = 0; t <= m - 2; t++) {
      gl += hist[base + 2 * t];
      hl += hist[base + 2 * t + 1];
      if (hl < minHess) continue;
      const hr = H - hl;
      if (hr < minHess) break;
      const gr = G - gl;
      const s = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda);
      if (s > best) {
        best = s;
        record(out, f, t, true, gl, hl);
      }
    }
  }
  if (out.feature < 0) return false;
  out.gain = 0.5 * (best - parentScore);
  return out.gain > rules.minSplitGain && out.gain > RELATIVE_GAIN_EPS * parentScore;
}

function record(out: Split, feature: number, bin: number, missingLeft: boolean, gl: number, hl: number): void {
  out.categorical = false;
  out.feature = feature;
  out.bin = bin;
  out.missingLeft = missingLeft;
  out.gradLeft = gl;
  out.hessLeft = hl;
}
