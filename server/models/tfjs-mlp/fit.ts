import * as tf from "@tensorflow/tfjs";
import type { Params } from "../../automl/space/suggest";
import type { FitContext, FitInput, FitResult, Matrix, Task } from "../family";
import { metricsFor } from "../../automl/estimation/metrics";
import { checkSampleWeights, evaluate, fitScaler, improvement, sampleRows, stopReason } from "../layers/training-loop";
import { stoppingMetric } from "../shared/early-stopping";
import { assignWeights, buildModel, flattenTrainable, headFor, movingStats, paramSlots, type NetSpec, type ParamSlot } from "./network";
import { parseParams } from "./space";
import { Rng } from "./rng";
import { flattenStats, StepRunner, unflattenStats, type Batch, type BatchWeight } from "./train-step";
import { FittedMlp } from "./fitted";
import type { TargetScaler } from "../layers/predict";
import { decodeCheckpoint, encodeCheckpoint, type TrainingState } from "./checkpoint";

/** Training rows scored each epoch for the training metric (a fixed, seeded sample) */
const TRAIN_METRIC_ROWS = 5000;
/** Give the event loop a turn this often inside an epoch (heartbeats, IPC) */
const YIELD_MS = 200;
/** Reasons that end training for good; "stopped", "deadline" and "paused" are the caller's limits, and a resume goes on */
const FINAL_REASONS = new Set(["early stopping", "max epochs", "diverged"]);

interface Best {
  value: number;
  epoch: number;
  theta: tf.Tensor1D;
  stats: tf.Tensor1D[][];
}

/** The loop's own state; with the step runner's, the rng's and the row order, what a checkpoint holds. */
interface Progress {
  epoch: number;
  /** the best epoch so far (early stopping); null in a fixed-epoch fit */
  best: Best | null;
  monitorMetric: boolean | null;
  badEpochs: number;
  /** set once training has ended for good, to its reason (FINAL_REASONS) */
  finished: string | null;
}

/**
 * Trains an MLP with a custom loop: seeded shuffling every epoch, mini-batch Adam (train-step.ts), one device
 * sync per epoch for the running training loss, validation loss and metric every epoch, early stopping on the
 * run's metric (or the validation loss where the metric is undefined, or moves in steps on few validation rows:
 * shared/early-stopping.ts), best weights restored at the end.
 * Ends at ctx.deadline or when ctx.onEpoch says "stop", keeping the best weights so far.
 * With ctx.epochs set it trains exactly that many epochs instead (no early stopping, final weights kept), to refit
 * a chosen configuration on more rows with the epoch count found on validation; validation may then be empty.
 * input.sampleWeight makes the training loss the weighted mean (validation stays unweighted).
 * ctx.pauseAt ends training after that many epochs in all with reason "paused" and FitResult.checkpoint set (also
 * when training ends otherwise first); ctx.resume continues from such a checkpoint exactly as if it had never paused.
 * A checkpoint taken at the deadline, which may cut an epoch short, resumes after that partial epoch: it goes on,
 * but no longer exactly as uninterrupted training would have.
 */
export async function fitMlp(input: FitInput, rawParams: Params, ctx: FitContext): Promise<FitResult> {
  const params = parseParams(rawParams);
  const { task, xTrain, yTrain, xVal, yVal, sampleWeight } = input;
  if (xTrain.rows === 0) throw new Error("mlp: no training rows");
  if (xVal.rows > 0 && xVal.cols !== xTrain.cols) throw new Error("mlp: training and validation matrices differ in columns");
  if (sampleWeight) checkSampleWeights(sampleWeight, xTrain.rows, "mlp");
  const fixedEpochs = ctx.epochs;
  if (fixedEpochs !== undefined && !(Number.isInteger(fixedEpochs) && fixedEpochs >= 1)) {
    throw new Error(`mlp: epochs must be a positive integer, got ${fixedEpochs}`);
  }
  const maxEpochs = fixedEpochs ?? params.max_epochs;
  if (ctx.pauseAt !== undefined && !(Number.isInteger(ctx.pauseAt) && ctx.pauseAt >= 1)) {
    throw new Error(`mlp: pauseAt must be a positive integer, got ${ctx.pauseAt}`);
  }
  const pauseAt = ctx.pauseAt ?? Infinity;
  const spec: NetSpec = {
    inputs: xTrain.cols,
    units: params.units,
    activation: params.activation,
    batchNorm: params.batch_norm,
    dropout: params.dropout,
    ...headFor(task),
  };
  const scaler = task.type === "regression" ? fitScaler(yTrain) : null;
  const targets = encodeTargets(task, spec, yTrain, scaler); // checks the labels before any tensor exists
  const slots = paramSlots(spec);
  const resumed =
    ctx.resume &&
    decodeCheckpoint(ctx.resume, {
      seed: ctx.seed,
      params: slots.reduce((n, s) => n + s.size, 0),
      stats: spec.batchNorm ? 2 * spec.units.reduce((n, u) => n + u, 0) : 0,
      rows: xTrain.rows,
    });
  const rng = new Rng(ctx.seed);
  const model = buildModel(spec, rng.int()); // on resume, its initial weights and the rng are replaced below
  const runner = new StepRunner(spec, slots, flattenTrainable(model, slots), movingStats(model, spec), {
    learningRate: params.learning_rate,
    weightDecay: params.weight_decay,
  });
  const fitted = new FittedMlp(model, spec, task, scaler, rawParams);
  const trainSample = sampleRows(xTrain, yTrain, TRAIN_METRIC_ROWS, new Rng(ctx.seed ^ 0x5bd1e995));
  const metric = metricsFor(task).includes(ctx.metric) ? ctx.metric : null;

  const batchSize = Math.min(params.batch_size, xTrain.rows);
  const order = new Uint32Array(xTrain.rows).map((_, i) => i);
  let p: Progress = { epoch: 0, best: null, monitorMetric: null, badEpochs: 0, finished: null };
  try {
    if (resumed) p = restore(resumed, spec, { runner, rng, order, model, slots });
    let reason = p.finished; // a checkpoint of a finished fit trains no further
    while (!reason && p.epoch < maxEpochs && p.epoch < pauseAt) {
      p.epoch++;
      const started = performance.now();
      rng.shuffle(order);
      let seenWeight = 0;
      let lastYield = Date.now();
      let outOfTime = false;
      for (let start = 0; start < order.length; start += batchSize) {
        const rows = order.subarray(start, Math.min(start + batchSize, order.length));
        const batch = makeBatch(xTrain, targets, sampleWeight, rows, spec, rng);
        try {
          runner.step(batch);
        } finally {
          tf.dispose([batch.x, batch.xT, batch.target, ...batch.masks.filter((m): m is tf.Tensor2D => m !== null)]);
          batch.weight?.values.dispose();
        }
        seenWeight += batch.weight?.sum ?? rows.length;
        const now = Date.now();
        if (now >= ctx.deadline) {
          outOfTime = true;
          break;
        }
        if (now - lastYield > YIELD_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          lastYield = Date.now();
        }
      }
      const trainLoss = runner.takeLossSum() / seenWeight;
      assignWeights(model, spec, slots, runner.theta, runner.stats);
      const val = evaluate(fitted, fitted.spec.outputs, xVal, yVal, metric);
      const train = trainSample ? evaluate(fitted, fitted.spec.outputs, trainSample.x, trainSample.y, metric) : null;
      const decision = await ctx.onEpoch({
        epoch: p.epoch,
        trainLoss,
        valLoss: val.loss,
        trainMetric: train?.metric ?? null,
        valMetric: val.metric,
        seconds: (performance.now() - started) / 1000,
      });

      if (fixedEpochs === undefined) {
        // without validation rows (not a studio case) the training loss is all there is to watch
        const value = improvement(p, val, stoppingMetric(task, metric, xVal.rows), xVal.rows > 0 ? val.loss : trainLoss);
        if (value !== null) {
          disposeBest(p.best);
          p.best = { value, epoch: p.epoch, theta: runner.theta.clone(), stats: runner.stats.map((s) => s.map((t) => t.clone())) };
        }
      }
      reason = stopReason(decision, outOfTime, ctx.deadline, trainLoss, fixedEpochs === undefined && p.badEpochs >= params.patience);
      if (reason) break;
    }
    reason ??= p.epoch >= maxEpochs ? "max epochs" : "paused";
    if (FINAL_REASONS.has(reason)) p.finished = reason;
    const checkpoint = ctx.pauseAt === undefined ? undefined : encodeCheckpoint(snapshot(p, ctx.seed, runner, rng, order));
    if (p.best) assignWeights(model, spec, slots, p.best.theta, p.best.stats);
    return { model: fitted, epochs: p.epoch, bestEpoch: p.best?.epoch ?? p.epoch, reason, ...(checkpoint && { checkpoint }) };
  } catch (err) {
    fitted.dispose();
    throw err;
  } finally {
    runner.dispose();
    disposeBest(p.best);
  }
}

function disposeBest(best: Best | null): void {
  if (best) tf.dispose([best.theta, ...best.stats.flat()]);
}

/** The whole training state, read back from the device: between epochs only. */
function snapshot(p: Progress, seed: number, runner: StepRunner, rng: Rng, order: Uint32Array): TrainingState {
  const { epoch, finished, monitorMetric, badEpochs, best } = p;
  return {
    ...runner.readState(),
    seed,
    epoch,
    finished,
    rng: rng.state(),
    order,
    monitorMetric,
    badEpochs,
    best: best && { value: best.value, epoch: best.epoch, theta: best.theta.dataSync<"float32">(), stats: flattenStats(best.stats) },
  };
}

/** Puts a checkpoint's state into a fresh fit's runner, rng, row order and model; returns the loop's state. */
function restore(
  s: TrainingState,
  spec: NetSpec,
  fit: { runner: StepRunner; rng: Rng; order: Uint32Array; model: tf.LayersModel; slots: ParamSlot[] },
): Progress {
  fit.runner.restoreState(s);
  fit.rng.restore(s.rng);
  fit.order.set(s.order);
  // the model holds the latest weights between epochs; a fit that trains no further returns them (or the best)
  assignWeights(fit.model, spec, fit.slots, fit.runner.theta, fit.runner.stats);
  const best = s.best && { value: s.best.value, epoch: s.best.epoch, theta: tf.tensor1d(s.best.theta), stats: unflattenStats(spec, s.best.stats) };
  return { epoch: s.epoch, best, monitorMetric: s.monitorMetric, badEpochs: s.badEpochs, finished: s.finished };
}

/** Per-row training targets in the form the step wants (see Batch.target). */
function encodeTargets(task: Task, spec: NetSpec, y: Float32Array, scaler: TargetScaler | null): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) {
    if (spec.head === "sigmoid") out[i] = y[i] === 1 ? -1 : 1;
    else if (scaler) out[i] = (y[i] - scaler.mean) / scaler.std;
    else out[i] = y[i];
  }
  if (task.type === "multiclass") {
    for (let i = 0; i < y.length; i++) {
      if (!(y[i] >= 0 && y[i] < spec.outputs && Number.isInteger(y[i]))) throw new Error(`mlp: class code ${y[i]} out of range`);
    }
  }
  return out;
}

/** Gathers a batch on the JS side: x, x^T (so the step needs no device transpose of the input), targets, masks, weights. */
function makeBatch(x: Matrix, targets: Float32Array, weights: Float32Array | undefined, rows: Uint32Array, spec: NetSpec, rng: Rng): Batch {
  const B = rows.length;
  const c = x.cols;
  const xb = new Float32Array(B * c);
  const xt = new Float32Array(B * c);
  for (let r = 0; r < B; r++) {
    const src = rows[r] * c;
    xb.set(x.data.subarray(src, src + c), r * c);
    for (let j = 0; j < c; j++) xt[j * B + r] = x.data[src + j];
  }
  let target: Float32Array;
  if (spec.head === "softmax") {
    target = new Float32Array(B * spec.outputs);
    for (let r = 0; r < B; r++) target[r * spec.outputs + targets[rows[r]]] = 1;
  } else {
    target = new Float32Array(B);
    for (let r = 0; r < B; r++) target[r] = targets[rows[r]];
  }
  return {
    x: tf.tensor2d(xb, [B, c]),
    xT: tf.tensor2d(xt, [c, B]),
    target: tf.tensor2d(target, [B, spec.head === "softmax" ? spec.outputs : 1]),
    masks: spec.units.map((u) => (spec.dropout > 0 ? tf.tensor2d(rng.dropoutMask(B * u, spec.dropout), [B, u]) : null)),
    weight: weights && gatherWeights(weights, rows),
  };
}

function gatherWeights(weights: Float32Array, rows: Uint32Array): BatchWeight {
  const w = new Float32Array(rows.length);
  let sum = 0;
  for (let r = 0; r < rows.length; r++) {
    w[r] = weights[rows[r]];
    sum += w[r];
  }
  return { values: tf.tensor2d(w, [rows.length, 1]), sum };
}
