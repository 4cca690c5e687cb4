import type { Params } from "../../automl/space/suggest";
import type { Matrix, FitContext, FitInput, FitResult, Task } from "../family";
import { metricsFor, score } from "../../automl/estimation/metrics";
import { createRng, deriveSeed, type Rng } from "../../automl/rng";
import { checkSampleWeights, stopReason } from "../layers/training-loop";
import { BinEdges } from "../gbdt/bins";
import { ForestGrower, type ForestTree } from "./grow";
import { outputsFor } from "../shared/outputs";
import { rowSubset } from "../shared/row-subset";
import { addTrees, FittedForest, toPredictions } from "./model";
import { featuresPerSplit, parseParams } from "./space";

/** Give the event loop a turn this often, between trees (heartbeats, IPC) */
const YIELD_MS = 200;
/** Training rows scored after each tree for the training loss and metric (a fixed, seeded sample), as gbdt does. */
const TRAIN_METRIC_ROWS = 5000;
/** probabilities are clipped here in the log-loss, as gbdt's and the networks' reported loss */
const EPS = 1e-15;

/**
 * Random forest and extra trees on gbdt's histograms (grow.ts): tree after tree, a seeded bootstrap sample of the
 * training rows, as integer counts that multiply each row's weight (random forest; none for extra trees by default),
 * and a tree grown deep on it with max_features features drawn per node.
 *
 * One EpochReport per tree, an "epoch" being the trees so far: the validation loss and metric of the forest so far,
 * from running sums of the trees' leaf values per validation row (each tree walks the validation rows once), and the
 * training loss and metric on a fixed sample of 5000 training rows (in-bag rows included: an optimistic figure).
 * Losses: log-loss for classification, for regression the mean squared error over the training targets' variance
 * (as gbdt reports it). No early stopping: a forest does not overfit with more trees, so all n_estimators are grown;
 * ctx.deadline and onEpoch "stop" end training after the tree, keeping the trees so far; ctx.epochs grows exactly that
 * many trees (validation may be empty). input.sampleWeight multiplies the bootstrap counts. The same seed and data
 * give the same model bit for bit. pauseAt/resume are not supported.
 */
export async function fitForest(input: FitInput, rawParams: Params, ctx: FitContext): Promise<FitResult> {
  const params = parseParams(rawParams);
  const { task, xTrain, yTrain, xVal, yVal, sampleWeight } = input;
  const n = xTrain.rows;
  if (n === 0) throw new Error("forest: no training rows");
  if (yTrain.length !== n) throw new Error(`forest: ${yTrain.length} targets for ${n} training rows`);
  if (yVal.length !== xVal.rows) throw new Error(`forest: ${yVal.length} targets for ${xVal.rows} validation rows`);
  if (xVal.rows > 0 && xVal.cols !== xTrain.cols) throw new Error("forest: training and validation matrices differ in columns");
  checkTargets(task, yTrain);
  checkTargets(task, yVal);
  if (sampleWeight) checkSampleWeights(sampleWeight, n, "forest");
  const fixedTrees = ctx.epochs;
  if (fixedTrees !== undefined && !(Number.isInteger(fixedTrees) && fixedTrees >= 1)) {
    throw new Error(`forest: epochs must be a positive integer, got ${fixedTrees}`);
  }
  const maxTrees = fixedTrees ?? params.n_estimators;

  const edges = BinEdges.fit(xTrain, params.max_bins, deriveSeed(ctx.seed, "forest", "bins"));
  const binned = edges.bin(xTrain);
  const outputs = outputsFor(task);
  const channels = task.type === "multiclass" ? outputs - 1 : 1;
  let mean = 0;
  let variance = 1;
  if (task.type === "regression") {
    for (let i = 0; i < n; i++) mean += yTrain[i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (yTrain[i] - mean) ** 2;
    variance = ss / n > 0 ? ss / n : 1;
  }
  const grower = new ForestGrower(
    binned,
    edges,
    {
      maxDepth: params.max_depth,
      minLeaf: params.min_samples_leaf,
      maxFeatures: featuresPerSplit(params.max_features, task, xTrain.cols),
      randomThresholds: params.kind === "extra_trees",
    },
    channels,
    outputs,
    mean,
  );
  const rng = createRng(deriveSeed(ctx.seed, "forest", "trees"));
  const weight = new Float64Array(n);
  const targets = Array.from({ length: channels }, () => new Float64Array(n));
  const inBag = new Uint32Array(n);

  const metric = metricsFor(task).includes(ctx.metric) ? ctx.metric : null;
  const width = task.type === "binary" ? 2 : outputs;
  const valSums = new Float64Array(xVal.rows * outputs);
  const valPred = new Float32Array(xVal.rows * width);
  const sample = rowSubset(n, TRAIN_METRIC_ROWS, deriveSeed(ctx.seed, "forest", "train-metric"));
  const sampleX = gatherRows(xTrain, sample);
  const sampleY = Float32Array.from(sample, (r) => yTrain[r]);
  const sampleSums = new Float64Array(sample.length * outputs);
  const samplePred = new Float32Array(sample.length * width);

  const trees: ForestTree[] = [];
  let reason: string | null = null;
  let lastYield = Date.now();
  while (trees.length < maxTrees) {
    const started = performance.now();
    const count = drawWeights(weight, inBag, sampleWeight, params.bootstrap ? rng : null);
    for (let c = 0; c < channels; c++) {
      const t = targets[c];
      if (task.type === "regression") for (let r = 0; r < n; r++) t[r] = weight[r] * (yTrain[r] - mean);
      else {
        const cls = task.type === "binary" ? 1 : c;
        for (let r = 0; r < n; r++) t[r] = yTrain[r] === cls ? weight[r] : 0;
      }
    }
    const tree = count > 0 ? grower.grow(inBag, count, targets, weight, yTrain, rng) : null;
    if (!tree) throw new Error("forest: every training row has weight 0");
    trees.push(tree);
    const one = [tree];
    addTrees(one, sampleX, sampleSums, outputs);
    toPredictions(task, sampleSums, sample.length, trees.length, samplePred);
    const trainLoss = lossOf(task, samplePred, sampleY, variance);
    let valLoss = NaN;
    let valMetric: number | null = null;
    if (xVal.rows > 0) {
      addTrees(one, xVal, valSums, outputs);
      toPredictions(task, valSums, xVal.rows, trees.length, valPred);
      valLoss = lossOf(task, valPred, yVal, variance);
      valMetric = metric ? score(metric, task, yVal, valPred) : null;
    }
    const decision = await ctx.onEpoch({
      epoch: trees.length,
      trainLoss,
      valLoss,
      trainMetric: metric && sample.length > 0 ? score(metric, task, sampleY, samplePred) : null,
      valMetric,
      seconds: (performance.now() - started) / 1000,
    });
    reason = stopReason(decision, false, ctx.deadline, trainLoss, false);
    if (reason) break;
    if (Date.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
  }
  reason ??= "max epochs";
  return { model: new FittedForest(task, xTrain.cols, trees, rawParams), epochs: trees.length, bestEpoch: trees.length, reason };
}

/**
 * The tree's row weights: bootstrap counts (n draws with replacement, rng given) or 1, times the sample weight; the
 * rows of weight > 0 listed in inBag, ascending. Returns how many.
 */
function drawWeights(weight: Float64Array, inBag: Uint32Array, sampleWeight: Float32Array | undefined, rng: Rng | null): number {
  const n = weight.length;
  if (rng) {
    weight.fill(0);
    for (let i = 0; i < n; i++) weight[Math.floor((rng.uint32() / 4294967296) * n)]++;
  } else weight.fill(1);
  let count = 0;
  for (let r = 0; r < n; r++) {
    if (sampleWeight) weight[r] *= sampleWeight[r];
    if (weight[r] > 0) inBag[count++] = r;
  }
  return count;
}

function gatherRows(x: Matrix, rows: Uint32Array): Matrix {
  const data = new Float32Array(rows.length * x.cols);
  for (let i = 0; i < rows.length; i++) data.set(x.data.subarray(rows[i] * x.cols, (rows[i] + 1) * x.cols), i * x.cols);
  return { rows: rows.length, cols: x.cols, data };
}

/** log-loss (classification, probabilities clipped) or mean squared error over `variance` (regression) */
function lossOf(task: Task, pred: Float32Array, y: Float32Array, variance: number): number {
  const n = y.length;
  if (n === 0) return NaN;
  let loss = 0;
  if (task.type === "regression") {
    for (let r = 0; r < n; r++) loss += (pred[r] - y[r]) ** 2;
    return loss / n / variance;
  }
  const k = task.type === "binary" ? 2 : task.classes.length;
  for (let r = 0; r < n; r++) loss -= Math.log(Math.min(Math.max(pred[r * k + y[r]], EPS), 1 - EPS));
  return loss / n;
}

/** Class codes must be whole numbers within the classes (0/1 for binary); regression targets finite. */
function checkTargets(task: Task, y: Float32Array): void {
  const k = task.type === "binary" ? 2 : task.classes.length;
  if (task.type === "multiclass" && k < 2) throw new Error(`forest: a multiclass task needs at least 2 classes, got ${k}`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const ok = task.type === "regression" ? Number.isFinite(v) : Number.isInteger(v) && v >= 0 && v < k;
    if (!ok) throw new Error(`forest: target ${v} at row ${i} is not ${task.type === "regression" ? "a finite number" : `a class code below ${k}`}`);
  }
}
