import type { Task } from "../family";

/**
 * The loss functions boosting descends, on raw scores (one per row, or one per row and class, row-major): gradients
 * and hessians for the trees, the starting score, and the link from raw scores to FittedModel.predict's output.
 */
export interface Objective {
  /** raw scores per row: 1, or the class count (softmax) */
  readonly outputs: number;
  /** whether gradients() reads the exps of the training rows' raw scores (TrainingScores.exp) */
  readonly usesExp: boolean;
  /** whether the hessians are the same every round whatever the scores (squared error's are the rows' weights) */
  readonly fixedHessians: boolean;
  /** the raw score every row starts from, per output */
  baseScore(y: Float32Array, w: Float32Array | undefined): Float64Array;
  /**
   * Writes the gradients and hessians of the loss at the training rows' scores (output-major: output c of row r at
   * c * rows + r), times the rows' weights, and returns the weighted loss sum: one pass serves the next round's trees
   * and this round's report. Where the objective uses exps, it reads them from scores.exp and recomputes them from
   * scores.raw for every row when `refresh`, and for any row whose exps have left the range where they are exact.
   */
  gradients(scores: ScoreArrays, y: Float32Array, w: Float32Array | undefined, grad: Float64Array, hess: Float64Array, refresh: boolean): number;
  /** FittedModel.predict's output for `rows` rows of raw scores */
  transform(raw: Float64Array, rows: number, out: Float32Array): void;
  /** the mean loss of predictions (transform's output) against the truth, unweighted */
  loss(pred: Float32Array, y: Float32Array): number;
}

/**
 * The training rows' raw scores and, for objectives that use them, their exps (softmax: up to a factor per row, which
 * the softmax cancels). See TrainingScores.
 */
export interface ScoreArrays {
  raw: Float64Array;
  exp: Float64Array | null;
}

/** Probabilities are clipped here in the log-loss, as the other families' reported loss (layers/training-loop.ts) does. */
const EPS = 1e-15;
/** Hessians never vanish, so a leaf's Newton step stays finite where predictions are already certain. */
const MIN_HESSIAN = 1e-16;
/** Base probabilities are clipped here, so a class absent from the training rows starts from a finite raw score. */
const MIN_PRIOR = 1e-7;
/**
 * Kept exps inside this range are trusted; outside it (or NaN) the row's exps are recomputed from its raw scores, so
 * that a product of many leaf factors can neither overflow nor underflow unnoticed.
 */
const EXP_MIN = 1e-250;
const EXP_MAX = 1e250;

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
  usesExp: true,
  fixedHessians: false,
  baseScore(y, w) {
    const p = clip(weightedMean(y, w));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients({ raw, exp }, y, w, grad, hess, refresh) {
    const ex = exp!;
    let loss = 0;
    for (let r = 0; r < y.length; r++) {
      let e = ex[r];
      if (refresh || !(e > EXP_MIN && e < EXP_MAX)) {
        e = Math.exp(raw[r]);
        ex[r] = e;
      }
      const p = e === Infinity ? 1 : e / (1 + e);
      const wi = w === undefined ? 1 : w[r];
      const yi = y[r];
      grad[r] = (p - yi) * wi;
      const h = p * (1 - p);
      hess[r] = (h > MIN_HESSIAN ? h : MIN_HESSIAN) * wi;
      const py = yi === 1 ? p : 1 - p;
      loss -= wi * Math.log(py > EPS ? py : EPS);
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
  return {
    outputs: k,
    usesExp: true,
    fixedHessians: false,
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
    gradients: ({ raw, exp }, y, w, grad, hess, refresh) => softmaxGradients(raw, exp!, y, w, grad, hess, refresh, k, p),
    transform(raw, rows, out) {
      for (let r = 0; r < rows; r++) {
        const inv = softmaxRow(raw, r * k, k, p);
        for (let c = 0; c < k; c++) out[r * k + c] = p[c] * inv;
      }
    },
    loss(pred, y) {
      let loss = 0;
      for (let r = 0; r < y.length; r++) loss -= Math.log(Math.min(Math.max(pred[r * k + y[r]], EPS), 1 - EPS));
      return loss / y.length;
    },
  };
}

/** The softmax objective's gradients (see Objective.gradients); p is scratch for a row's k exponentials. */
function softmaxGradients(
  raw: Float64Array,
  ex: Float64Array,
  y: Float32Array,
  w: Float32Array | undefined,
  grad: Float64Array,
  hess: Float64Array,
  refresh: boolean,
  k: number,
  p: Float64Array,
): number {
  const n = y.length;
  const factor = k / (k - 1);
  let loss = 0;
  for (let r = 0; r < n; r++) {
    const o = r * k;
    let sum = 0;
    for (let c = 0; c < k; c++) sum += ex[o + c];
    if (refresh || !(sum > EXP_MIN && sum < EXP_MAX)) {
      const inv = softmaxRow(raw, o, k, p);
      for (let c = 0; c < k; c++) ex[o + c] = p[c];
      sum = 1 / inv;
    }
    const inv = 1 / sum;
    const wi = w === undefined ? 1 : w[r];
    const yi = y[r];
    for (let c = 0, j = r; c < k; c++, j += n) {
      const pc = ex[o + c] * inv;
      grad[j] = (c === yi ? pc - 1 : pc) * wi;
      const hc = factor * pc * (1 - pc);
      hess[j] = (hc > MIN_HESSIAN ? hc : MIN_HESSIAN) * wi;
    }
    const py = ex[o + yi] * inv;
    loss -= wi * Math.log(py > EPS ? py : EPS);
  }
  return loss;
}

/** Squared error; starts from the weighted mean. */
function squaredError(scale: number): Objective {
  const s2 = scale * scale;
  return {
    outputs: 1,
    usesExp: false,
    fixedHessians: true,
    baseScore: (y, w) => Float64Array.of(weightedMean(y, w)),
    gradients({ raw }, y, w, grad, hess) {
      let loss = 0;
      for (let r = 0; r < y.length; r++) {
        const wi = w === undefined ? 1 : w[r];
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

/**
 * p = the exponentials of raw[offset, offset + k), shifted by the largest score so none overflows; returns 1 / their
 * sum, which turns them into the softmax.
 */
function softmaxRow(raw: Float64Array, offset: number, k: number, p: Float64Array): number {
  let max = raw[offset];
  for (let c = 1; c < k; c++) if (raw[offset + c] > max) max = raw[offset + c];
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(raw[offset + c] - max);
    p[c] = e;
    sum += e;
  }
  return 1 / sum;
}
