import type { Params } from "../../automl/space/suggest";
import type { FitContext, FitInput, FitResult, Task } from "../family";
import { metricsFor } from "../../automl/estimation/metrics";
import { createRng, deriveSeed } from "../../automl/rng";
import { checkSampleWeights, fitScaler, stopReason } from "../layers/training-loop";
import { BinEdges } from "./bins";
import { EarlyStopping, stoppingMetric } from "../shared/early-stopping";
import { RoundScorer } from "./evaluation";
import { TreeGrower } from "./grow";
import { FittedGbdt } from "./model";
import { objectiveFor } from "./objective";
import { FeatureSampler, RowSampler } from "./sampling";
import { EXP_REFRESH_ROUNDS, startingScores, TrainingScores } from "./scores";
import { parseParams } from "./space";
import type { Tree } from "./tree";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint";

/** Give the event loop a turn this often, between rounds (heartbeats, IPC) */
const YIELD_MS = 200;
/** Reasons that end training for good; "stopped", "deadline" and "paused" are the caller's limits, and a resume goes on */
const FINAL_REASONS = new Set(["early stopping", "max epochs", "diverged"]);

/**
 * Gradient boosting of histogram trees (XGBoost's "hist" method): every round, gradients and hessians of the loss at
 * the current raw scores, a seeded row sample (subsample) and per tree a seeded column sample (colsample_bytree), one
 * tree per output (per class, multiclass) grown on them (grow.ts), its shrunk leaf values added to the raw scores.
 *
 * One EpochReport per round, an "epoch" being a round. The training and validation raw scores are kept up to date
 * tree by tree (scores.ts; nothing is predicted afresh), so a round's report costs one pass over the validation rows;
 * the training loss comes from the same pass that computes the next round's gradients, and the training metric from
 * a fixed sample of 5000 rows (RoundScorer).
 *
 * Early stopping (shared/early-stopping.ts) after early_stopping_rounds rounds without improvement of the run's metric
 * (on a small validation set, of the loss: SMALL_VALIDATION_ROWS), at most max_rounds; the model keeps the trees up to
 * the best round. ctx.deadline and onEpoch "stop" end training after the round, keeping the best so far. ctx.epochs
 * trains exactly that many rounds with no early stopping and keeps them all (validation may be empty).
 * input.sampleWeight multiplies gradients and hessians, and weighs the training loss.
 * The same seed and data give the same model bit for bit. input.categorical's columns split on sets of categories
 * (bins.ts, categorical.ts).
 *
 * ctx.pauseAt ends training after that many rounds in all with reason "paused" and FitResult.checkpoint set (also when
 * training ends otherwise first; checkpoint.ts); ctx.resume continues from such a checkpoint exactly as if it had never
 * paused: the raw scores and gradients are replayed from its trees round by round as training computed them, and the
 * sampling rng, the column sampler and early stopping continue from their saved states.
 */
export async function fitGbdt(input: FitInput, rawParams: Params, ctx: FitContext): Promise<FitResult> {
  const params = parseParams(rawParams);
  const { task, xTrain, yTrain, xVal, yVal, sampleWeight } = input;
  const n = xTrain.rows;
  if (n === 0) throw new Error("gbdt: no training rows");
  if (yTrain.length !== n) throw new Error(`gbdt: ${yTrain.length} targets for ${n} training rows`);
  if (yVal.length !== xVal.rows) throw new Error(`gbdt: ${yVal.length} targets for ${xVal.rows} validation rows`);
  if (xVal.rows > 0 && xVal.cols !== xTrain.cols) throw new Error("gbdt: training and validation matrices differ in columns");
  checkTargets(task, yTrain);
  checkTargets(task, yVal);
  if (sampleWeight) checkSampleWeights(sampleWeight, n, "gbdt");
  const fixedRounds = ctx.epochs;
  if (fixedRounds !== undefined && !(Number.isInteger(fixedRounds) && fixedRounds >= 1)) {
    throw new Error(`gbdt: epochs must be a positive integer, got ${fixedRounds}`);
  }
  const maxRounds = fixedRounds ?? params.max_rounds;
  if (ctx.pauseAt !== undefined && !(Number.isInteger(ctx.pauseAt) && ctx.pauseAt >= 1)) {
    throw new Error(`gbdt: pauseAt must be a positive integer, got ${ctx.pauseAt}`);
  }
  const pauseAt = ctx.pauseAt ?? Infinity;

  const edges = BinEdges.fit(xTrain, params.max_bins, deriveSeed(ctx.seed, "gbdt", "bins"), input.categorical);
  const binned = edges.bin(xTrain);
  const objective = objectiveFor(task, task.type === "regression" ? fitScaler(yTrain).std : 1);
  const k = objective.outputs;
  const base = objective.baseScore(yTrain, sampleWeight);
  const scores = new TrainingScores(n, base, objective.usesExp);
  const valRaw = startingScores(xVal.rows, base);
  const grad = new Float64Array(n * k);
  const hess = new Float64Array(n * k);
  const weightSum = sampleWeight ? sampleWeight.reduce((a, w) => a + w, 0) : n;
  objective.gradients(scores, yTrain, sampleWeight, grad, hess, true);

  const grower = new TreeGrower(binned, edges, {
    policy: params.growth,
    maxDepth: params.max_depth,
    maxLeaves: params.max_leaves,
    learningRate: params.learning_rate,
    lambda: params.lambda,
    minChildWeight: params.min_child_weight,
    minSplitGain: params.min_split_gain,
  }, objective.fixedHessians);
  const rng = createRng(deriveSeed(ctx.seed, "gbdt", "sampling"));
  const rowSampler = new RowSampler(n, sampleWeight, params.subsample);
  const featureSampler = new FeatureSampler(binned.splittable, params.colsample_bytree);
  const metric = metricsFor(task).includes(ctx.metric) ? ctx.metric : null;
  const scorer = new RoundScorer(task, objective, metric, yVal, yTrain, params.early_stopping_rounds, deriveSeed(ctx.seed, "gbdt", "train-metric"));
  const stopping = new EarlyStopping(params.early_stopping_rounds, stoppingMetric(task, metric, yVal.length));

  const trees: Tree[] = [];
  let round = 0;
  let finished: string | null = null;
  const fingerprint = JSON.stringify(params);
  const shape = { rows: n, features: xTrain.cols, outputs: k };
  if (ctx.resume) {
    const saved = decodeCheckpoint(ctx.resume, { seed: ctx.seed, params: fingerprint, ...shape });
    rng.restore(saved.rng);
    featureSampler.restore(saved.columnOrder);
    stopping.restore(saved.stopping);
    finished = saved.finished;
    trees.push(...saved.trees);
    // the scores and gradients as training left them: every round's trees added, then its gradients, as below
    for (round = 1; round <= saved.round; round++) {
      for (let c = 0; c < k; c++) {
        const tree = trees[(round - 1) * k + c];
        scores.walkTree(tree, c, k, xTrain, null, n);
        if (xVal.rows > 0) tree.addTo(xVal, valRaw, k, c);
      }
      objective.gradients(scores, yTrain, sampleWeight, grad, hess, round % EXP_REFRESH_ROUNDS === 0);
    }
    round = saved.round;
  }

  let reason: string | null = finished; // a checkpoint of a finished fit trains no further
  let lastYield = Date.now();
  while (!reason && round < maxRounds && round < pauseAt) {
    round++;
    const started = performance.now();
    rowSampler.draw(rng);
    for (let c = 0; c < k; c++) {
      const tree = grower.grow(rowSampler.inBag, rowSampler.inCount, grad.subarray(c * n, (c + 1) * n), hess.subarray(c * n, (c + 1) * n), featureSampler.draw(rng));
      scores.addTree(tree, c, k, grower, xTrain, rowSampler.outOfBag, rowSampler.outCount);
      if (xVal.rows > 0) tree.addTo(xVal, valRaw, k, c);
      trees.push(tree);
    }
    const trainLoss = objective.gradients(scores, yTrain, sampleWeight, grad, hess, round % EXP_REFRESH_ROUNDS === 0) / weightSum;
    const val = scorer.validation(valRaw, round);
    const decision = await ctx.onEpoch({
      epoch: round,
      trainLoss,
      valLoss: val.loss,
      trainMetric: scorer.trainMetric(scores.raw),
      valMetric: val.metric,
      seconds: (performance.now() - started) / 1000,
    });
    if (fixedRounds === undefined) stopping.update(round, val, trainLoss);
    reason = stopReason(decision, false, ctx.deadline, trainLoss, fixedRounds === undefined && stopping.spent(round));
    if (reason) break;
    if (Date.now() - lastYield > YIELD_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
    }
  }
  reason ??= round >= maxRounds ? "max epochs" : "paused";
  if (FINAL_REASONS.has(reason)) finished = reason;
  const checkpoint =
    ctx.pauseAt === undefined
      ? undefined
      : encodeCheckpoint({ seed: ctx.seed, params: fingerprint, round, finished, trees, rng: rng.state(), columnOrder: featureSampler.order, stopping: stopping.state() }, shape);
  // early stopping keeps the best round's trees; a fixed-length fit (or one where no round had a value) keeps all
  const kept = fixedRounds === undefined && stopping.bestRound > 0 ? stopping.bestRound : round;
  const model = new FittedGbdt(task, xTrain.cols, base, trees.slice(0, kept * k), rawParams);
  const atEpoch = (epoch: number) => {
    if (!(Number.isInteger(epoch) && epoch >= 1 && epoch <= round)) throw new Error(`gbdt: trained ${round} rounds, so there is no model after round ${epoch}`);
    return new FittedGbdt(task, xTrain.cols, base, trees.slice(0, epoch * k), rawParams);
  };
  return { model, epochs: round, bestEpoch: kept, reason, atEpoch, ...(checkpoint && { checkpoint }) };
}

/** Class codes must be whole numbers within the classes (0/1 for binary); regression targets finite. */
function checkTargets(task: Task, y: Float32Array): void {
  const k = task.type === "binary" ? 2 : task.classes.length;
  if (task.type === "multiclass" && k < 2) throw new Error(`gbdt: a multiclass task needs at least 2 classes, got ${k}`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    const ok = task.type === "regression" ? Number.isFinite(v) : Number.isInteger(v) && v >= 0 && v < k;
    if (!ok) throw new Error(`gbdt: target ${v} at row ${i} is not ${task.type === "regression" ? "a finite number" : `a class code below ${k}`}`);
  }
}
