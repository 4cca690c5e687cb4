import type { Task } from "../family";

/**
 * The loss functions boosting descends, on raw scores (one per row, or one per row and class, row-major): gradients
 * and hessians for the trees, the starting score, and the link from raw scores to FittedModel.predict's output.
 */
export interface Objective {
  /** raw scores per row: 1, or the class count (softmax) */
  readonly outputs: number;
  /** the raw score every row starts from, per output */
  baseScore(y: Float32Array, w: Float32Array | undefined): Float64Array;
  /**
   * Writes the gradients and hessians of the loss at `raw` (output-major: output c of row r at c * rows + r), times
   * the rows' weights, and returns the weighted loss sum: one pass serves the next round's trees and this round's report.
   */
  gradients(raw: Float64Array, y: Float32Array, w: Float32Array | undefined, grad: Float64Array, hess: Float64Array): number;
  /** FittedModel.predict's output for `rows` rows of raw scores */
  transform(raw: Float64Array, rows: number, out: Float32Array): void;
  /** the mean loss of predictions (transform's output) against the truth, unweighted */
  loss(pred: Float32Array, y: Float32Array): number;
}

/** Probabilities are clipped here in the log-loss, as the other families' reported loss (layers/training-loop.ts) does. */
const EPS = 1e-15;
/** Hessians never vanish, so a leaf's Newton step stays finite where predictions are already certain. */
const MIN_HESSIAN = 1e-16;
/** Base probabilities are clipped here, so a class absent from the training rows starts from a finite raw score. */
const MIN_PRIOR = 1e-7;

/** Raw scores per row for a task: one, except one per class for multiclass. */
export function outputsFor(task: Task): number {
  return task.type === "multiclass" ? task.classes.length : 1;
}

/**
 * The task's objective. `lossScale` divides the squared error of regression, so that its reported loss is that of the
 * standardised target, as the networks report it (they train on it); classification ignores it.
 */
export function objectiveFor(task: Task, lossScale = 1): Objective {
  switch (task.type) {
    case "binary":
      return logistic;
    case "multiclass":
      return softmax(task.classes.length);
    case "regression":
      return squaredError(lossScale);
  }
}

function weightedMean(y: Float32Array, w: Float32Array | undefined): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w ? w[i] : 1;
    s += wi * y[i];
    sw += wi;
  }
  return s / sw;
}

const clip = (p: number) => Math.min(Math.max(p, MIN_PRIOR), 1 - MIN_PRIOR);

/** Binary log-loss on the log-odds; starts from the log-odds of the weighted positive rate. */
const logistic: Objective = {
  outputs: 1,
  baseScore(y, w) {
    const p = clip(weightedMean(y, w));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(raw, y, w, grad, hess) {
    let loss = 0;
    for (let r = 0; r < y.length; r++) {
      const p = 1 / (1 + Math.exp(-raw[r]));
      const wi = w ? w[r] : 1;
      const yi = y[r];
      grad[r] = (p - yi) * wi;
      hess[r] = Math.max(p * (1 - p), MIN_HESSIAN) * wi;
      loss -= wi * Math.log(Math.max(yi === 1 ? p : 1 - p, EPS));
    }
    return loss;
  },
  transform(raw, rows, out) {
    for (let r = 0; r < rows; r++) {
      const p = 1 / (1 + Math.exp(-raw[r]));
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
  },
  loss(pred, y) {
    let loss = 0;
    for (let r = 0; r < y.length; r++) loss -= Math.log(Math.min(Math.max(pred[2 * r + y[r]], EPS), 1 - EPS));
    return loss / y.length;
  },
};

/**
 * Multiclass log-loss on softmax scores, one tree per class and round; starts from the log of the weighted class
 * priors. The hessian is the diagonal p(1 - p) times k / (k - 1), as LightGBM does: Friedman's multiclass step.
 */
function softmax(k: number): Objective {
  const p = new Float64Array(k);
  const factor = k / (k - 1);
  return {
    outputs: k,
    baseScore(y, w) {
      const prior = new Float64Array(k);
      let total = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w ? w[i] : 1;
        prior[y[i]] += wi;
        total += wi;
      }
      return prior.map((s) => Math.log(clip(s / total)));
    },
    gradients(raw, y, w, grad, hess) {
      const n = y.length;
      let loss = 0;
      for (let r = 0; r < n; r++) {
        softmaxRow(raw, r * k, k, p);
        const wi = w ? w[r] : 1;
        const yi = y[r];
        for (let c = 0; c < k; c++) {
          const pc = p[c];
          grad[c * n + r] = (c === yi ? pc - 1 : pc) * wi;
          hess[c * n + r] = Math.max(factor * pc * (1 - pc), MIN_HESSIAN) * wi;
        }
        loss -= wi * Math.log(Math.max(p[yi], EPS));
      }
      return loss;
    },
    transform(raw, rows, out) {
      for (let r = 0; r < rows; r++) {
        softmaxRow(raw, r * k, k, p);
        for (let c = 0; c < k; c++) out[r * k + c] = p[c];
      }
    },
    loss(pred, y) {
      let loss = 0;
      for (let r = 0; r < y.length; r++) loss -= Math.log(Math.min(Math.max(pred[r * k + y[r]], EPS), 1 - EPS));
      return loss / y.length;
    },
  };
}

/** Squared error; starts from the weighted mean. */
function squaredError(scale: number): Objective {
  const s2 = scale * scale;
  return {
    outputs: 1,
    baseScore: (y, w) => Float64Array.of(weightedMean(y, w)),
    gradients(raw, y, w, grad, hess) {
      let loss = 0;
      for (let r = 0; r < y.length; r++) {
        const wi = w ? w[r] : 1;
        const e = raw[r] - y[r];
        grad[r] = e * wi;
        hess[r] = wi;
        loss += (wi * e * e) / s2;
      }
      return loss;
    },
    transform(raw, rows, out) {
      for (let r = 0; r < rows; r++) out[r] = raw[r];
    },
    loss(pred, y) {
      let loss = 0;
      for (let r = 0; r < y.length; r++) loss += (pred[r] - y[r]) ** 2;
      return loss / y.length / s2;
    },
  };
}

/** p = the softmax of raw[offset, offset + k), shifted by the largest score so exp cannot overflow */
function softmaxRow(raw: Float64Array, offset: number, k: number, p: Float64Array): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) max = Math.max(max, raw[offset + c]);
  let sum = 0;
  for (let c = 0; c < k; c++) {
    p[c] = Math.exp(raw[offset + c] - max);
    sum += p[c];
  }
  for (let c = 0; c < k; c++) p[c] /= sum;
}
