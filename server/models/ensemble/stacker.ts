import type { Metric } from "../../contracts/dataset";
import { createRng } from "../../automl/rng";
import type { FitContext, FittedModel, Matrix, Task } from "../family";
import { linearFamily } from "../linear";
import { fitLinear, type LinearStart } from "../linear/fit";
import { FittedLinear } from "../linear/model";
import { outputsFor } from "../shared/outputs";

/** folds of the stacker's own cross-fitting */
const STACKER_FOLDS = 5;

export interface FittedStacker {
  /** fitted on every row, for the epochs the folds found */
  model: FittedModel;
  /** each row's prediction by a stacker that did not train on it: what the ensemble's validation score is earned on */
  oofPred: Float32Array;
  epochs: number;
}

/**
 * Stacking (Wolpert 1992, as H2O's and AutoGluon's level-2 models): a regularised linear model (the linear family
 * with its defaults) learns how to weigh the members from their out-of-fold predictions. Fitted on the same rows it
 * would be scored on, it would look better than it is, so it is cross-fitted: each fold's stacker early-stops on its
 * held-out part and predicts it, and the final stacker is fitted on every row for the mean epoch count they found.
 *
 * The linear family expects standardised inputs (the data stages give it those), and members' predictions are not:
 * a regression member predicts in target units (thousands, for prices), where the solver's step size, set by the
 * largest feature, leaves the intercept where it started. So the stacker learns on standardised columns, and the
 * final model's coefficients are mapped back onto the raw ones: the saved model takes stackingFeatures as they are.
 * Every fit starts at the members' plain average (membersAverage).
 */
export async function fitStacker(input: { task: Task; metric: Metric; z: Matrix; y: Float32Array; seed: number }): Promise<FittedStacker> {
  const { task, metric, y, seed } = input;
  const standard = columnStandardiser(input.z);
  const z = standard.apply(input.z);
  const width = task.type === "regression" ? 1 : task.classes.length;
  const oofPred = new Float32Array(z.rows * width);
  const params = linearFamily.defaultParams(task);
  const start = standard.startAt(membersAverage(task, z.cols));
  const ctx: FitContext = { seed, metric, deadline: Infinity, onEpoch: async () => "continue" };
  const folds = shuffledFolds(z.rows, Math.min(STACKER_FOLDS, z.rows), seed);
  const bestEpochs: number[] = [];
  for (const valid of folds) {
    const held = new Set(valid);
    const train = Array.from({ length: z.rows }, (_, i) => i).filter((i) => !held.has(i));
    const fit = await fitLinear({ task, xTrain: rows(z, train), yTrain: pick(y, train), xVal: rows(z, valid), yVal: pick(y, valid) }, params, ctx, start);
    const pred = fit.model.predict(rows(z, valid));
    valid.forEach((r, i) => oofPred.set(pred.subarray(i * width, (i + 1) * width), r * width));
    bestEpochs.push(fit.bestEpoch);
    fit.model.dispose();
  }
  const epochs = Math.max(1, Math.round(bestEpochs.reduce((a, b) => a + b, 0) / bestEpochs.length));
  const empty: Matrix = { rows: 0, cols: z.cols, data: new Float32Array(0) };
  const final = await fitLinear({ task, xTrain: z, yTrain: y, xVal: empty, yVal: new Float32Array(0) }, params, { ...ctx, epochs }, start);
  return { model: standard.unapply(final.model), oofPred, epochs: final.epochs };
}

/**
 * The stacker's start, as raw coefficients per output: the members' plain average (of their regression predictions,
 * of their logits, or class by class of their log-probabilities: a normalised geometric mean). From zero the solver
 * approaches the large weights that confident members need slowly (shuttle's stacking row over one member validating
 * at a log loss of 0.0005 validated at 0.0042); from here it only has to improve on them.
 */
function membersAverage(task: Task, cols: number): LinearStart {
  const k = outputsFor(task);
  const members = cols / k;
  const coef = Array.from({ length: k }, (_, c) => Float64Array.from({ length: cols }, (_, j) => (j % k === c ? 1 / members : 0)));
  return { coef, intercept: new Float64Array(k) };
}

/** columns with a spread below this are constant: they are centred, not scaled */
const MIN_STD = 1e-12;

/**
 * Each column's mean and standard deviation, a map onto standardised columns, and its inverse for a fitted linear
 * model: w . (x - mean) / std + b = (w / std) . x + (b - sum w mean / std).
 */
function columnStandardiser(x: Matrix) {
  const mean = new Float64Array(x.cols);
  const std = new Float64Array(x.cols);
  for (let r = 0; r < x.rows; r++) for (let j = 0; j < x.cols; j++) mean[j] += x.data[r * x.cols + j] / x.rows;
  for (let r = 0; r < x.rows; r++) for (let j = 0; j < x.cols; j++) std[j] += (x.data[r * x.cols + j] - mean[j]) ** 2 / x.rows;
  for (let j = 0; j < x.cols; j++) std[j] = Math.sqrt(std[j]) > MIN_STD ? Math.sqrt(std[j]) : 1;
  return {
    apply(m: Matrix): Matrix {
      const data = Float32Array.from(m.data, (v, i) => (v - mean[i % m.cols]) / std[i % m.cols]);
      return { rows: m.rows, cols: m.cols, data };
    },
    /** a start on raw columns as one on the standardised columns: coef * std, intercept + coef . mean */
    startAt(raw: LinearStart): LinearStart {
      return {
        coef: raw.coef.map((w) => w.map((v, j) => v * std[j])),
        intercept: raw.intercept.map((b, c) => raw.coef[c].reduce((a, w, j) => a + w * mean[j], b)),
      };
    },
    unapply(model: FittedModel): FittedLinear {
      if (!(model instanceof FittedLinear)) throw new Error("stacker: the linear family returned another kind of model");
      const d = model.features;
      const theta = model.theta.slice();
      for (let c = 0; c < model.outputs; c++) {
        for (let j = 0; j < d; j++) {
          theta[c * d + j] = model.theta[c * d + j] / std[j];
          theta[model.outputs * d + c] -= theta[c * d + j] * mean[j];
        }
      }
      return new FittedLinear(model.task, d, theta, model.scaler, model.params);
    },
  };
}

/** `count` folds of 0..n-1 after a seeded shuffle, each in ascending order */
function shuffledFolds(n: number, count: number, seed: number): number[][] {
  const order = Array.from({ length: n }, (_, i) => i);
  const rng = createRng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Array.from({ length: count }, (_, f) => order.filter((_, i) => i % count === f).sort((a, b) => a - b));
}

function rows(x: Matrix, index: readonly number[]): Matrix {
  const data = new Float32Array(index.length * x.cols);
  index.forEach((r, i) => data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols));
  return { rows: index.length, cols: x.cols, data };
}

const pick = (y: Float32Array, index: readonly number[]) => Float32Array.from(index, (r) => y[r]);
