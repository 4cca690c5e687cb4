import { createRng, deriveSeed } from "../../automl/rng";
import type { Matrix, Task } from "../../models/family";
import { holdoutSplit, numClassesOf, range } from "./common";
import { buildProblem, sigmoid, Solver, type Problem } from "./l1-solver";

/**
 * L1-regularised linear models on standardised features, by cyclic coordinate descent with an active set:
 *  - regression: the lasso, (1/2n) |y - b0 - Xb|^2 + lambda |b|_1, on a target scaled to unit variance;
 *  - binary: logistic regression, mean log loss + lambda |b|_1;
 *  - multiclass: one binary model per class (one-vs-rest), each with its own lambda, probabilities normalised to sum
 *    1 (a class that one feature separates keeps that feature alone, whatever the other classes need).
 * Logistic regression is fitted by proximal Newton steps (see Solver), with step halving.
 *
 * Choice of lambda (when none is given): a path of `nLambda` values from lambda_max (the smallest lambda that keeps
 * every coefficient at 0) down to lambda_max * minRatio (1e-3 when rows > features, else 1e-2), log-spaced and
 * warm-started, is fitted on 75% of the rows it is given and scored (log loss or squared error) on the other 25%
 * (stratified); the path stops early once the held-out loss has not improved for 3 values in a row. Rule "1se"
 * (default) takes the largest lambda whose held-out loss is within one standard error of the best (sparser, and
 * robust to noise features); "min" takes the best. The model is then refitted on all the rows given, at that lambda.
 * With fewer than 10 fitting or 5 held-out rows there is no path: lambda is 0.1 * lambda_max.
 * Every row given is a training row: the caller never passes validation or test rows.
 */

export interface L1Options {
  seed: number;
  /** a fixed lambda (standardised scale): no path, no held-out part */
  lambda?: number;
  rule?: "1se" | "min";
  /** share of the rows held out to choose lambda; default 0.25 */
  holdoutFraction?: number;
  nLambda?: number;
  minRatio?: number;
  /** convergence: largest coefficient change in a sweep (standardised scale); default 1e-4 */
  tol?: number;
  maxSweeps?: number;
}

export interface L1PathPoint {
  lambda: number;
  holdoutLoss: number;
  nonZero: number;
}

export interface L1Model {
  kind: "lasso" | "logistic";
  task: Task["type"];
  /** one coefficient vector per output: 1 (regression, binary: the positive class) or one per class */
  outputs: number;
  /** coefficients of the standardised features, per output (for comparing features) */
  coef: Float64Array[];
  /** the same model on the raw features: score_k = rawIntercept[k] + sum_j rawCoef[k][j] * x_j */
  rawCoef: Float64Array[];
  rawIntercept: Float64Array;
  /** per output: the lambda used, lambda_max, and the path that chose it (empty when lambda was given) */
  lambda: number[];
  lambdaMax: number[];
  path: L1PathPoint[][];
}

interface Fitted {
  prob: Problem;
  solvers: Solver[];
  /** lasso: mean and sd of the target (the solver sees it standardised) */
  yMean: number;
  ySd: number;
}

function targets(y: Float32Array, rows: Int32Array, task: Task): { ys: Float64Array[]; yMean: number; ySd: number } {
  const n = rows.length;
  if (task.type === "regression") {
    let m = 0;
    for (let i = 0; i < n; i++) m += y[rows[i]];
    m = n > 0 ? m / n : 0;
    let v = 0;
    for (let i = 0; i < n; i++) v += (y[rows[i]] - m) ** 2;
    const sd = n > 0 && v > 0 ? Math.sqrt(v / n) : 1;
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = (y[rows[i]] - m) / sd;
    return { ys: [t], yMean: m, ySd: sd };
  }
  const k = numClassesOf(task);
  const classes = task.type === "binary" ? [1] : Array.from({ length: k }, (_, c) => c);
  const ys = classes.map((c) => {
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) t[i] = y[rows[i]] === c ? 1 : 0;
    return t;
  });
  return { ys, yMean: 0, ySd: 1 };
}

function start(x: Matrix, y: Float32Array, rows: Int32Array, task: Task): Fitted {
  const prob = buildProblem(x, rows);
  const { ys, yMean, ySd } = targets(y, rows, task);
  const logistic = task.type !== "regression";
  return { prob, solvers: ys.map((t) => new Solver(prob, t, logistic)), yMean, ySd };
}

function lambdaMaxOf(f: Fitted): number {
  let lm = 0;
  for (const s of f.solvers) for (let j = 0; j < f.prob.p; j++) if (f.prob.usable[j]) lm = Math.max(lm, s.gradAtZero(j));
  return lm;
}

function toModel(f: Fitted, task: Task, lambda: number, lambdaMax: number, path: L1PathPoint[]): L1Model {
  const { prob } = f;
  const coef: Float64Array[] = [];
  const rawCoef: Float64Array[] = [];
  const rawIntercept = new Float64Array(f.solvers.length);
  f.solvers.forEach((s, k) => {
    const raw = new Float64Array(prob.p);
    let c0 = task.type === "regression" ? 0 : s.b0;
    for (let j = 0; j < prob.p; j++) {
      raw[j] = (f.ySd * s.b[j]) / prob.scale[j];
      c0 -= (s.b[j] / prob.scale[j]) * prob.mean[j];
    }
    rawIntercept[k] = task.type === "regression" ? f.yMean + f.ySd * c0 : c0;
    coef.push(Float64Array.from(s.b));
    rawCoef.push(raw);
  });
  return {
    kind: task.type === "regression" ? "lasso" : "logistic",
    task: task.type,
    outputs: f.solvers.length,
    coef,
    rawCoef,
    rawIntercept,
    lambda: f.solvers.map(() => lambda),
    lambdaMax: f.solvers.map(() => lambdaMax),
    path: f.solvers.map(() => path),
  };
}

/** linear scores, row-major rows x outputs, of the given rows (all when omitted) */
export function linearScores(model: L1Model, x: Matrix, rows?: ArrayLike<number>): Float64Array {
  const n = rows ? rows.length : x.rows;
  const k = model.outputs;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const base = (rows ? rows[i] : i) * x.cols;
    for (let o = 0; o < k; o++) {
      const w = model.rawCoef[o];
      let s = model.rawIntercept[o];
      for (let j = 0; j < x.cols; j++) if (w[j] !== 0) s += w[j] * x.data[base + j];
      out[i * k + o] = s;
    }
  }
  return out;
}

/**
 * Per-row loss of linear scores (rows x outputs) against labels: squared error (regression), log loss (binary,
 * multiclass with the one-vs-rest probabilities normalised).
 */
export function rowLosses(task: Task["type"], outputs: number, scores: Float64Array, y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  const EPS = 1e-15;
  for (let i = 0; i < n; i++) {
    if (task === "regression") out[i] = (y[i] - scores[i]) ** 2;
    else if (task === "binary") {
      const p = sigmoid(scores[i]);
      out[i] = -Math.log(Math.min(Math.max(y[i] === 1 ? p : 1 - p, EPS), 1));
    } else {
      let sum = 0;
      for (let o = 0; o < outputs; o++) sum += sigmoid(scores[i * outputs + o]);
      const p = sigmoid(scores[i * outputs + y[i]]) / sum;
      out[i] = -Math.log(Math.max(p, EPS));
    }
  }
  return out;
}

const meanOf = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / Math.max(a.length, 1);

/** predictions in the metrics' format: probabilities rows x classes, or one value per row */
export function predictL1(model: L1Model, x: Matrix): Float32Array {
  const s = linearScores(model, x);
  const n = x.rows;
  if (model.task === "regression") return Float32Array.from(s);
  if (model.task === "binary") {
    const out = new Float32Array(2 * n);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(s[i]);
      out[2 * i] = 1 - p;
      out[2 * i + 1] = p;
    }
    return out;
  }
  const k = model.outputs;
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let o = 0; o < k; o++) sum += sigmoid(s[i * k + o]);
    for (let o = 0; o < k; o++) out[i * k + o] = sigmoid(s[i * k + o]) / sum;
  }
  return out;
}

/** per feature: the largest |coefficient| over outputs, on the standardised scale */
export function coefficientImportance(model: L1Model): Float64Array {
  const p = model.coef[0]?.length ?? 0;
  const out = new Float64Array(p);
  for (const c of model.coef) for (let j = 0; j < p; j++) out[j] = Math.max(out[j], Math.abs(c[j]));
  return out;
}

export function fitL1Linear(x: Matrix, y: Float32Array, task: Task, opts: L1Options): L1Model {
  if (task.type !== "multiclass" || opts.lambda !== undefined) return fitOne(x, y, task, opts);
  // one-vs-rest, each class with its own path and lambda
  const k = numClassesOf(task);
  const binary: Task = { type: "binary", classes: ["rest", "class"] };
  const parts = Array.from({ length: k }, (_, c) => {
    const yc = new Float32Array(y.length);
    for (let i = 0; i < y.length; i++) yc[i] = y[i] === c ? 1 : 0;
    return fitOne(x, yc, binary, { ...opts, seed: deriveSeed(opts.seed, "class", c) });
  });
  return {
    kind: "logistic",
    task: "multiclass",
    outputs: k,
    coef: parts.map((m) => m.coef[0]),
    rawCoef: parts.map((m) => m.rawCoef[0]),
    rawIntercept: Float64Array.from(parts, (m) => m.rawIntercept[0]),
    lambda: parts.map((m) => m.lambda[0]),
    lambdaMax: parts.map((m) => m.lambdaMax[0]),
    path: parts.map((m) => m.path[0]),
  };
}

function fitOne(x: Matrix, y: Float32Array, task: Task, opts: L1Options): L1Model {
  const tol = opts.tol ?? 1e-4;
  const maxSweeps = opts.maxSweeps ?? 300;
  const all = range(x.rows);
  if (opts.lambda !== undefined) {
    const f = start(x, y, all, task);
    const lm = lambdaMaxOf(f);
    for (const s of f.solvers) s.solve(opts.lambda, tol, maxSweeps);
    return toModel(f, task, opts.lambda, lm, []);
  }

  const nLambda = opts.nLambda ?? 30;
  const rng = createRng(deriveSeed(opts.seed, "l1-holdout"));
  const { fit, hold } = holdoutSplit(y, task, opts.holdoutFraction ?? 0.25, rng);
  const minRatio = opts.minRatio ?? (fit.length > x.cols ? 1e-3 : 1e-2);

  if (fit.length < 10 || hold.length < 5) {
    // too few rows to hold any out: a fixed fraction of lambda_max
    const f = start(x, y, all, task);
    const lm = lambdaMaxOf(f);
    for (const s of f.solvers) s.solve(0.1 * lm, tol, maxSweeps);
    return toModel(f, task, 0.1 * lm, lm, []);
  }

  const f = start(x, y, fit, task);
  const lambdaMax = lambdaMaxOf(f);
  const yHold = new Float64Array(hold.length);
  for (let i = 0; i < hold.length; i++) yHold[i] = y[hold[i]];
  const lambdas: number[] = [];
  const path: L1PathPoint[] = [];
  const losses: Float64Array[] = [];
  let best = 0;
  for (let k = 0; k < nLambda; k++) {
    const lambda = lambdaMax * minRatio ** (k / (nLambda - 1));
    for (const s of f.solvers) s.solve(lambda, tol, maxSweeps);
    const model = toModel(f, task, lambda, lambdaMax, []);
    const rl = rowLosses(task.type, model.outputs, linearScores(model, x, hold), yHold);
    const loss = meanOf(rl);
    let nonZero = 0;
    for (const c of coefficientImportance(model)) if (c !== 0) nonZero++;
    lambdas.push(lambda);
    losses.push(rl);
    path.push({ lambda, holdoutLoss: loss, nonZero });
    if (loss < path[best].holdoutLoss) best = k;
    if (k - best >= 3 || nonZero >= fit.length) break;
  }
  let chosen = best;
  if ((opts.rule ?? "1se") === "1se") {
    const rl = losses[best];
    const m = meanOf(rl);
    let v = 0;
    for (const l of rl) v += (l - m) ** 2;
    const se = Math.sqrt(v / Math.max(rl.length - 1, 1) / rl.length);
    chosen = path.findIndex((pt) => pt.holdoutLoss <= path[best].holdoutLoss + se);
  }

  // refit on every row given, along the same lambdas (warm starts) down to the chosen one
  const g = start(x, y, all, task);
  for (let k = 0; k <= chosen; k++) for (const s of g.solvers) s.solve(lambdas[k], tol, maxSweeps);
  return toModel(g, task, lambdas[chosen], lambdaMax, path);
}
