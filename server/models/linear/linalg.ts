import type { Matrix } from "../family";

/**
 * The two passes over the data that every iteration makes, on row-major float32 matrices and float64 parameters.
 * Parameters ("theta") are one Float64Array of k * (cols + 1): output c's coefficients at [c * cols, (c + 1) * cols),
 * then the k intercepts at [k * cols, k * cols + k). Scores and residuals are row-major rows x k.
 */

/** out[r * k + c] = intercept c + row r . coefficients c: the linear scores of every row. */
export function linearScores(x: Matrix, theta: Float64Array, k: number, out: Float64Array): void {
  const d = x.cols;
  const data = x.data;
  const bias = k * d;
  const d4 = d - (d % 4);
  for (let r = 0, o = 0; r < x.rows; r++, o += d) {
    for (let c = 0, w = 0; c < k; c++, w += d) {
      // four partial sums: independent chains the CPU can overlap
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < d4; j += 4) {
        s0 += data[o + j] * theta[w + j];
        s1 += data[o + j + 1] * theta[w + j + 1];
        s2 += data[o + j + 2] * theta[w + j + 2];
        s3 += data[o + j + 3] * theta[w + j + 3];
      }
      for (; j < d; j++) s0 += data[o + j] * theta[w + j];
      out[r * k + c] = theta[bias + c] + (s0 + s1 + (s2 + s3));
    }
  }
}

/**
 * grad = X~^T resid, X~ being x with a column of ones appended: grad[c * cols + j] = sum_r resid[r * k + c] x[r, j]
 * and grad[k * cols + c] = sum_r resid[r * k + c] (the intercepts'). `resid` holds the loss's derivatives by the
 * scores (already weighted). Rows whose residual is exactly 0 (weight 0) are skipped.
 */
export function gradientOf(x: Matrix, resid: Float64Array, k: number, grad: Float64Array): void {
  const d = x.cols;
  const data = x.data;
  const bias = k * d;
  grad.fill(0);
  for (let r = 0, o = 0; r < x.rows; r++, o += d) {
    for (let c = 0, w = 0; c < k; c++, w += d) {
      const g = resid[r * k + c];
      if (g === 0) continue;
      grad[bias + c] += g;
      for (let j = 0; j < d; j++) grad[w + j] += g * data[o + j];
    }
  }
}

/**
 * Bounds on the largest eigenvalue of X~^T W X~ / sum(W) (X~ with the intercept's column of ones, W the row
 * weights): its largest diagonal entry below, its trace above. The step size's backtracking starts from the lower
 * and never needs to pass the upper.
 */
export function eigenvalueBounds(x: Matrix, weights: Float32Array | undefined, weightSum: number): { lower: number; upper: number } {
  const d = x.cols;
  const data = x.data;
  const sq = new Float64Array(d);
  for (let r = 0, o = 0; r < x.rows; r++, o += d) {
    const w = weights === undefined ? 1 : weights[r];
    if (w === 0) continue;
    for (let j = 0; j < d; j++) sq[j] += w * data[o + j] * data[o + j];
  }
  let lower = 1; // the intercept's column
  let upper = 1;
  for (let j = 0; j < d; j++) {
    const v = sq[j] / weightSum;
    if (v > lower) lower = v;
    upper += v;
  }
  return { lower, upper };
}
