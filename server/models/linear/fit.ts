import type { Params } from "../../automl/space/suggest";
import type { FitContext, FitInput, FitResult, Matrix, Task } from "../family";
import { metricsFor } from "../../automl/estimation/metrics";
import { deriveSeed } from "../../automl/rng";
import { EarlyStopping } from "../shared/early-stopping";
import { checkSampleWeights, fitScaler, stopReason } from "../layers/training-loop";
import { EpochScorer } from "./evaluation";
import { Fista } from "./fista";
import { FittedLinear } from "./model";
import { objectiveFor } from "./objective";
import { parseParams } from "./space";
import type { TargetScaler } from "../layers/predict";

/** Give the event loop a turn this often, between iterations (heartbeats, IPC) */
const YIELD_MS = 200;
/** Convergence: the objective's relative change stays below tol for this many iterations in a row */
const CONVERGED_ITERATIONS = 3;

/**
 * Linear regression (squared error on the standardised target), logistic regression (binary) and multinomial
 * logistic regression (softmax, a weight vector per class), each with an intercept and an elastic-net penalty
 * (alpha, l1_ratio; space.ts), fit by accelerated proximal gradient descent on the whole training set (fista.ts).
 *
 * One EpochReport per iteration, an "epoch" being one FISTA iteration: one proximal gradient step on all training
 * rows (two passes over them, plus one per backtrack of the step size in the first iterations), then one pass over
 * the validation rows for the report. The training loss is the weighted mean loss (unpenalised) of the new iterate,
 * the training metric that of a fixed sample of 5000 rows (EpochScorer).
 *
 * Training ends at the first of: max_epochs iterations; convergence (the penalised objective's relative change below
 * tol for 3 iterations in a row: reason "converged"); early stopping (gbdt's rules, shared/early-stopping.ts) after
 * `patience` iterations without improvement of the validation loss (else, without validation rows, the penalised
 * training objective). The model keeps the parameters of the best iteration. ctx.deadline and onEpoch "stop" end training
 * after the iteration, keeping the best so far. ctx.epochs trains exactly that many iterations, with neither early
 * stopping nor the convergence test, and keeps the last (validation may be empty). input.sampleWeight weighs every
 * row's loss (the loss is their weighted mean). Full batch and no randomness in the solver: the same data and
 * parameters give the same model bit for bit (the seed only picks the training-metric sample). pauseAt/resume are
 * not supported: no checkpoint is returned. `start` warm-starts the solver (the stacker starts at its members' average).
 */
export async function fitLinear(input: FitInput, rawParams: Params, ctx: FitContext, start?: LinearStart): Promise<FitResult> {
  const params = parseParams(rawParams);
  const { task, xTrain, yTrain, xVal, yVal, sampleWeight } = input;
  const n = xTrain.rows;
  if (n === 0) throw new Error("linear: no training rows");
  checkMatrix(xTrain, "training");
  checkMatrix(xVal, "validation");
  if (yTrain.length !== n) throw new Error(`linear: ${yTrain.length} targets for ${n} training rows`);
  if (yVal.length !== xVal.rows) throw new Error(`linear: ${yVal.length} targets for ${xVal.rows} validation rows`);
  if (xVal.rows > 0 && xVal.cols !== xTrain.cols) throw new Error("linear: training and validation matrices differ in columns");
  checkTargets(task, yTrain);
  checkTargets(task, yVal);
  if (sampleWeight) checkSampleWeights(sampleWeight, n, "linear");
  const fixedEpochs = ctx.epochs;
  if (fixedEpochs !== undefined && !(Number.isInteger(fixedEpochs) && fixedEpochs >= 1)) {
    throw new Error(`linear: epochs must be a positive integer, got ${fixedEpochs}`);
  }
  const maxEpochs = fixedEpochs ?? params.max_epochs;

  const objective = objectiveFor(task);
  const scaler = task.type === "regression" ? fitScaler(yTrain) : null;
  const target = new Float64Array(n);
  for (let i = 0; i < n; i++) target[i] = scaler ? (yTrain[i] - scaler.mean) / scaler.std : yTrain[i];
  const solver = new Fista(xTrain, target, sampleWeight, objective, { alpha: params.alpha, l1Ratio: params.l1_ratio }, start && startTheta(start, xTrain.cols, objective.outputs, scaler));
  const metric = metricsFor(task).includes(ctx.metric) ? ctx.metric : null;
  const scorer = new EpochScorer(task, objective, scaler, metric, xVal, yVal, yTrain, params.patience, deriveSeed(ctx.seed, "linear", "train-metric"));
  // the validation loss, not the run's metric: a scale-free metric (AUC) can rate the first iterate, with its barely
  // fitted probabilities, best of all, while the loss (a proper scoring rule) says when iterations stop helping
  const stopping = new EarlyStopping(params.patience, null);
  const best = solver.theta.slice();

  let epoch = 0;
  let quiet = 0;
  let reason: string | null = null;
  let lastYield = Date.now();
  while (epoch < maxEpochs) {
    epoch++;
    const started = performance.now();
    const step = solver.step();
    const trainLoss = step.loss * objective.reportScale;
    const val = scorer.validation(solver.theta, epoch);
    const decision = await ctx.onEpoch({
      epoch,
      trainLoss,
      valLoss: val.loss,
      trainMetric: scorer.trainMetric(solver.scores),
      valMetric: val.metric,
      seconds: (performance.now() - started) / 1000,
    });
    if (fixedEpochs === undefined) {
      // without validation rows, early stopping watches the penalised objective: the data loss alone is not what is minimised
      stopping.update(epoch, val, step.objective);
      if (stopping.bestRound === epoch) best.set(solver.theta);
      quiet = step.relativeChange <= params.tol ? quiet + 1 : 0;
    }
    reason =
      stopReason(decision, false, ctx.deadline, trainLoss, fixedEpochs === undefined && stopping.spent(epoch)) ?? (quiet >= CONVERGED_ITERATIONS ? "converged" : null);
    if (reason) break;
    if (Date.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
  }
  reason ??= "max epochs";
  // early stopping keeps the best iteration's parameters; a fixed-length fit (or one where no iteration had a value) the last
  const keepBest = fixedEpochs === undefined && stopping.bestRound > 0;
  const kept = keepBest ? stopping.bestRound : epoch;
  const theta = keepBest ? best : solver.theta.slice();
  return { model: new FittedLinear(task, xTrain.cols, theta, scaler, rawParams), epochs: epoch, bestEpoch: kept, reason };
}

/**
 * A warm start, in the form FittedLinear.coefficients() gives a model: per output, y = intercept + x . coef before the
 * link (regression: in target units).
 */
export interface LinearStart {
  coef: Float64Array[];
  intercept: Float64Array;
}

/** a start as the solver's theta: coefficients then intercepts, a regression's on the standardised target */
function startTheta(start: LinearStart, d: number, k: number, scaler: TargetScaler | null): Float64Array {
  if (start.coef.length !== k || start.intercept.length !== k || start.coef.some((c) => c.length !== d)) {
    throw new Error(`linear: a start needs ${k} output(s) of ${d} coefficients and an intercept`);
  }
  const std = scaler?.std ?? 1;
  const mean = scaler?.mean ?? 0;
  const theta = new Float64Array(k * (d + 1));
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) theta[c * d + j] = start.coef[c][j] / std;
    theta[k * d + c] = (start.intercept[c] - mean) / std;
  }
  return theta;
}

/** A matrix must hold rows x cols finite values: a linear model has no way around a missing one (impute first). */
function checkMatrix(x: Matrix, which: string): void {
  if (x.data.length !== x.rows * x.cols) throw new Error(`linear: the ${which} matrix holds ${x.data.length} values, not ${x.rows} x ${x.cols}`);
  const data = x.data;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`linear: ${which} value ${data[i]} at row ${Math.floor(i / x.cols)}, column ${i % x.cols} is not finite (a linear model needs imputed features)`);
    }
  }
}

/** Class codes must be whole numbers within the classes (0/1 for binary); regression targets finite. */
function checkTargets(task: Task, y: Float32Array): void {
  const k = task.type === "binary" ? 2 : task.classes.length;
  if (task.type === "multiclass" && k < 2) throw new Error(`linear: a multiclass task needs at least 2 classes, got ${k}`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const ok = task.type === "regression" ? Number.isFinite(v) : Number.isInteger(v) && v >= 0 && v < k;
    if (!ok) throw new Error(`linear: target ${v} at row ${i} is not ${task.type === "regression" ? "a finite number" : `a class code below ${k}`}`);
  }
}
