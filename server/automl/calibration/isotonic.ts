/**
 * Isotonic calibration: the non-decreasing step function of the score that fits the labels best in squared
 * error (pool adjacent violators), read between its steps by linear interpolation and held flat outside the
 * fitted range, as scikit-learn's IsotonicRegression(out_of_bounds="clip") predicts. It can undo any monotone
 * distortion, not only a sigmoid one, but it has as many free parameters as steps, so it wants plenty of rows.
 */

/** The fitted function as breakpoints: x strictly increasing, y non-decreasing, at least one point. */
export interface IsotonicFit {
  x: number[];
  y: number[];
}

/** Fits labels (or any targets) `y` on `scores`, row for row. */
export function fitIsotonic(scores: ArrayLike<number>, y: ArrayLike<number>): IsotonicFit {
  const n = scores.length;
  if (y.length !== n) throw new Error(`isotonic: ${n} scores but ${y.length} targets`);
  if (n === 0) throw new Error("isotonic: no rows to fit on");
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => scores[i] - scores[j]);
  // blocks of the pool, left to right: first and last distinct score, total weight and weighted sum of targets.
  // Rows with the same score start in one block (their mean), as scikit-learn does before pooling.
  const lo: number[] = [];
  const hi: number[] = [];
  const weight: number[] = [];
  const sum: number[] = [];
  for (const i of order) {
    const s = scores[i];
    const top = lo.length - 1;
    if (top >= 0 && hi[top] === s) {
      weight[top]++;
      sum[top] += y[i];
    } else {
      lo.push(s);
      hi.push(s);
      weight.push(1);
      sum.push(y[i]);
    }
    // pool while the last block is not above the one before it: violators, and equal values (kept compact)
    while (lo.length > 1) {
      const last = lo.length - 1;
      if (sum[last - 1] / weight[last - 1] < sum[last] / weight[last]) break;
      hi[last - 1] = hi[last];
      weight[last - 1] += weight[last];
      sum[last - 1] += sum[last];
      lo.pop();
      hi.pop();
      weight.pop();
      sum.pop();
    }
  }
  const fit: IsotonicFit = { x: [], y: [] };
  for (let b = 0; b < lo.length; b++) {
    const v = sum[b] / weight[b];
    fit.x.push(lo[b]);
    fit.y.push(v);
    if (hi[b] !== lo[b]) {
      fit.x.push(hi[b]);
      fit.y.push(v);
    }
  }
  return fit;
}

/** The fitted value at `s`: interpolated between breakpoints, the end values outside them. */
export function applyIsotonic(fit: IsotonicFit, s: number): number {
  const { x, y } = fit;
  const last = x.length - 1;
  if (s <= x[0]) return y[0];
  if (s >= x[last]) return y[last];
  let lo = 0;
  let hi = last; // invariant: x[lo] < s < x[hi]
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= s) lo = mid;
    else hi = mid;
  }
  if (x[lo] === s) return y[lo];
  return y[lo] + ((y[hi] - y[lo]) * (s - x[lo])) / (x[hi] - x[lo]);
}
