import type { Task } from "../family";
import type { TargetScaler } from "../layers/predict";

/**
 * The losses on linear scores (row-major rows x outputs): their values and derivatives by the scores for training,
 * the starting intercepts, and the link from scores to FittedModel.predict's output.
 *
 * Regression trains on the standardised target with half the squared error (scikit-learn's squared loss and
 * ElasticNet's), and reports the mean squared error of the standardised target, as the networks and gbdt do;
 * classification trains on and reports the log-loss.
 */
export interface LinearObjective {
  /** scores per row: 1, or the class count (softmax) */
  readonly outputs: number;
  /** the largest curvature of the loss by a row's scores (its Hessian's bound): the step size's scale */
  readonly curvature: number;
  /** what the training loss is multiplied by to report it (2 for the half squared error, else 1) */
  readonly reportScale: number;
  /** the intercepts every fit starts from: the weighted mean, log-odds or log priors of the training target */
  baseScore(y: Float64Array, w: Float32Array | undefined): Float64Array;
  /**
   * Writes scale * w_r * (the loss's derivative by score c of row r) into resid (which may be z itself) and returns
   * scale * the weighted loss sum.
   */
  gradient(z: Float64Array, y: Float64Array, w: Float32Array | undefined, scale: number, resid: Float64Array): number;
  /** scale * the weighted loss sum */
  loss(z: Float64Array, y: Float64Array, w: Float32Array | undefined, scale: number): number;
  /** FittedModel.predict's output for `rows` rows of scores (regression: mapped back to target units by `scaler`) */
  transform(z: Float64Array, rows: number, out: Float32Array, scaler: TargetScaler | null): void;
  /** the reported mean loss of predictions (transform's output) against the truth, unweighted */
  reportLoss(pred: Float32Array, y: Float32Array, scaler: TargetScaler | null): number;
}

/** Probabilities are clipped here in the reported log-loss, as the other families' is. */
const EPS = 1e-15;
/** Starting probabilities are clipped here, so a class absent from the training rows starts from a finite score. */
const MIN_PRIOR = 1e-7;

export function objectiveFor(task: Task): LinearObjective {
  switch (task.type) {
    case "binary":
      return logistic;
    case "multiclass":
      return softmax(task.classes.length);
    case "regression":
      return squaredError;
  }
}

function weightedMean(y: Float64Array, w: Float32Array | undefined): number {
  let s = 0;
  let sw = 0;
  for (let i = 0; i < y.length; i++) {
    const wi = w === undefined ? 1 : w[i];
    s += wi * y[i];
    sw += wi;
  }
  return s / sw;
}

const clip = (p: number) => Math.min(Math.max(p, MIN_PRIOR), 1 - MIN_PRIOR);

/** log(1 + e^z) without overflow */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
/** 1 / (1 + e^-z) without overflow */
const sigmoid = (z: number) => {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
};

const squaredError: LinearObjective = {
  outputs: 1,
  curvature: 1,
  reportScale: 2,
  baseScore: (y, w) => Float64Array.of(weightedMean(y, w)),
  gradient(z, y, w, scale, resid) {
    let loss = 0;
    for (let r = 0; r < y.length; r++) {
      const wi = w === undefined ? 1 : w[r];
      const e = z[r] - y[r];
      loss += wi * e * e;
      resid[r] = scale * wi * e;
    }
    return (scale * loss) / 2;
  },
  loss(z, y, w, scale) {
    let loss = 0;
    for (let r = 0; r < y.length; r++) {
      const e = z[r] - y[r];
      loss += (w === undefined ? 1 : w[r]) * e * e;
    }
    return (scale * loss) / 2;
  },
  transform(z, rows, out, scaler) {
    const mean = scaler?.mean ?? 0;
    const std = scaler?.std ?? 1;
    for (let r = 0; r < rows; r++) out[r] = z[r] * std + mean;
  },
  reportLoss(pred, y, scaler) {
    const std = scaler?.std ?? 1;
    let loss = 0;
    for (let r = 0; r < y.length; r++) loss += ((pred[r] - y[r]) / std) ** 2;
    return loss / y.length;
  },
};

/**
 * Binary log-loss on the log-odds: softplus(-z) for the positive class, softplus(z) for the other (so a confident,
 * right prediction's tiny loss keeps its precision). Its curvature p (1 - p) is at most 1/4.
 */
const logistic: LinearObjective = {
  outputs: 1,
  curvature: 0.25,
  reportScale: 1,
  baseScore(y, w) {
    const p = clip(weightedMean(y, w));
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradient(z, y, w, scale, resid) {
    let loss = 0;
    for (let r = 0; r < y.length; r++) {
      const wi = w === undefined ? 1 : w[r];
      const zr = z[r];
      loss += wi * (y[r] === 1 ? softplus(-zr) : softplus(zr));
      resid[r] = scale * wi * (sigmoid(zr) - y[r]);
    }
    return scale * loss;
  },
  loss(z, y, w, scale) {
    let loss = 0;
    for (let r = 0; r < y.length; r++) loss += (w === undefined ? 1 : w[r]) * (y[r] === 1 ? softplus(-z[r]) : softplus(z[r]));
    return scale * loss;
  },
  transform(z, rows, out) {
    for (let r = 0; r < rows; r++) {
      const p = sigmoid(z[r]);
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
  },
  reportLoss: (pred, y) => logLoss(pred, y, 2),
};

/**
 * Multinomial log-loss on softmax scores, one weight vector per class: log sum_c e^z_c - z_y. Its Hessian
 * diag(p) - p p^T is at most 1/2 (Böhning's bound).
 */
function softmax(k: number): LinearObjective {
  const p = new Float64Array(k);
  return {
    outputs: k,
    curvature: 0.5,
    reportScale: 1,
    baseScore(y, w) {
      const prior = new Float64Array(k);
      let total = 0;
      for (let i = 0; i < y.length; i++) {
        const wi = w === undefined ? 1 : w[i];
        prior[y[i]] += wi;
        total += wi;
      }
      return prior.map((s) => Math.log(clip(s / total)));
    },
    gradient(z, y, w, scale, resid) {
      let loss = 0;
      for (let r = 0; r < y.length; r++) {
        const o = r * k;
        const wi = w === undefined ? 1 : w[r];
        const yi = y[r];
        loss += wi * softmaxRow(z, o, k, p, yi);
        const f = scale * wi;
        for (let c = 0; c < k; c++) resid[o + c] = f * (c === yi ? p[c] - 1 : p[c]);
      }
      return scale * loss;
    },
    loss(z, y, w, scale) {
      let loss = 0;
      for (let r = 0; r < y.length; r++) {
        loss += (w === undefined ? 1 : w[r]) * softmaxRow(z, r * k, k, p, y[r]);
      }
      return scale * loss;
    },
    transform(z, rows, out) {
      for (let r = 0; r < rows; r++) {
        softmaxRow(z, r * k, k, p);
        for (let c = 0; c < k; c++) out[r * k + c] = p[c];
      }
    },
    reportLoss: (pred, y) => logLoss(pred, y, k),
  };
}

/**
 * p = the softmax of z[offset, offset + k), shifted by the largest score so nothing overflows; returns
 * log sum e^z - z[offset + y], the row's loss for class y. The largest score's term (exactly 1) is kept out of the
 * sum that goes through log1p, so a confident, right prediction's tiny loss keeps its precision.
 */
function softmaxRow(z: Float64Array, offset: number, k: number, p: Float64Array, y = 0): number {
  let top = 0;
  for (let c = 1; c < k; c++) if (z[offset + c] > z[offset + top]) top = c;
  const max = z[offset + top];
  let others = 0;
  for (let c = 0; c < k; c++) {
    const e = c === top ? 1 : Math.exp(z[offset + c] - max);
    p[c] = e;
    if (c !== top) others += e;
  }
  const inv = 1 / (1 + others);
  for (let c = 0; c < k; c++) p[c] *= inv;
  return max - z[offset + y] + Math.log1p(others);
}

function logLoss(pred: Float32Array, y: Float32Array, k: number): number {
  let loss = 0;
  for (let r = 0; r < y.length; r++) loss -= Math.log(Math.min(Math.max(pred[r * k + y[r]], EPS), 1 - EPS));
  return loss / y.length;
}
