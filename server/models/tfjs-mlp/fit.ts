import * as tf from "@tensorflow/tfjs";
import type { Params } from "../../automl/space/suggest";
import type { FitContext, FitInput, FitResult, Matrix, Task } from "../family";
import type { Metric } from "../../contracts/dataset";
import { greaterIsBetter, metricsFor, score } from "../../automl/estimation/metrics";
import { assignWeights, buildModel, flattenTrainable, headFor, movingStats, paramSlots, type NetSpec } from "./network";
import { parseParams } from "./space";
import { Rng } from "./rng";
import { StepRunner, type Batch } from "./train-step";
import { FittedMlp, type TargetScaler } from "./fitted";

/** Training rows scored each epoch for the training metric (a fixed, seeded sample) */
const TRAIN_METRIC_ROWS = 5000;
/** Give the event loop a turn this often inside an epoch (heartbeats, IPC) */
const YIELD_MS = 200;

/**
 * Trains an MLP with a custom loop: seeded shuffling every epoch, mini-batch Adam (train-step.ts), one device
 * sync per epoch for the running training loss, validation loss and metric every epoch, early stopping on the
 * run's metric (or the validation loss where the metric is undefined), best weights restored at the end.
 * Ends at ctx.deadline or when ctx.onEpoch says "stop", keeping the best weights so far.
 */
export async function fitMlp(input: FitInput, rawParams: Params, ctx: FitContext): Promise<FitResult> {
  const params = parseParams(rawParams);
  const { task, xTrain, yTrain, xVal, yVal } = input;
  if (xTrain.rows === 0) throw new Error("mlp: no training rows");
  if (xVal.cols !== xTrain.cols) throw new Error("mlp: training and validation matrices differ in columns");
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
  const rng = new Rng(ctx.seed);
  const model = buildModel(spec, rng.int());
  const slots = paramSlots(spec);
  const runner = new StepRunner(spec, slots, flattenTrainable(model, slots), movingStats(model, spec), {
    learningRate: params.learning_rate,
    weightDecay: params.weight_decay,
  });
  const fitted = new FittedMlp(model, spec, task, scaler, rawParams);
  const trainSample = sampleRows(xTrain, yTrain, TRAIN_METRIC_ROWS, new Rng(ctx.seed ^ 0x5bd1e995));
  const metric = metricsFor(task).includes(ctx.metric) ? ctx.metric : null;

  const batchSize = Math.min(params.batch_size, xTrain.rows);
  const order = new Uint32Array(xTrain.rows).map((_, i) => i);
  let best: { value: number; epoch: number; theta: tf.Tensor1D; stats: tf.Tensor1D[][] } | null = null;
  let monitorMetric: boolean | null = null;
  let badEpochs = 0;
  let epoch = 0;
  let reason = "max epochs";
  try {
    while (epoch < params.max_epochs) {
      epoch++;
      const started = performance.now();
      rng.shuffle(order);
      let seen = 0;
      let lastYield = Date.now();
      let outOfTime = false;
      for (let start = 0; start < order.length; start += batchSize) {
        const rows = order.subarray(start, Math.min(start + batchSize, order.length));
        const batch = makeBatch(xTrain, targets, rows, spec, rng);
        try {
          runner.step(batch);
        } finally {
          tf.dispose([batch.x, batch.xT, batch.target, ...batch.masks.filter((m): m is tf.Tensor2D => m !== null)]);
        }
        seen += rows.length;
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
      const trainLoss = runner.takeLossSum() / seen;
      assignWeights(model, spec, slots, runner.theta, runner.stats);
      const val = evaluate(fitted, xVal, yVal, metric);
      const train = trainSample ? evaluate(fitted, trainSample.x, trainSample.y, metric) : null;
      const decision = await ctx.onEpoch({
        epoch,
        trainLoss,
        valLoss: val.loss,
        trainMetric: train?.metric ?? null,
        valMetric: val.metric,
        seconds: (performance.now() - started) / 1000,
      });

      monitorMetric ??= val.metric !== null && Number.isFinite(val.metric);
      // without validation rows (not a studio case) the training loss is all there is to watch
      const value = monitorMetric ? val.metric! : xVal.rows > 0 ? val.loss : trainLoss;
      const higher = monitorMetric ? greaterIsBetter(metric as Metric) : false;
      if (!best || isBetter(value, best.value, higher)) {
        tf.dispose([best?.theta, ...(best?.stats.flat() ?? [])]);
        best = { value, epoch, theta: runner.theta.clone(), stats: runner.stats.map((s) => s.map((t) => t.clone())) };
        badEpochs = 0;
      } else {
        badEpochs++;
      }

      if (decision === "stop") {
        reason = "stopped";
        break;
      }
      if (outOfTime || Date.now() >= ctx.deadline) {
        reason = "deadline";
        break;
      }
      if (!Number.isFinite(trainLoss)) {
        reason = "diverged";
        break;
      }
      if (badEpochs >= params.patience) {
        reason = "early stopping";
        break;
      }
    }
    if (best) assignWeights(model, spec, slots, best.theta, best.stats);
    return { model: fitted, epochs: epoch, bestEpoch: best?.epoch ?? epoch, reason };
  } catch (err) {
    fitted.dispose();
    throw err;
  } finally {
    runner.dispose();
    if (best) tf.dispose([best.theta, ...best.stats.flat()]);
  }
}

function isBetter(value: number, bestValue: number, higher: boolean): boolean {
  if (Number.isNaN(value)) return false;
  if (Number.isNaN(bestValue)) return true;
  return higher ? value > bestValue : value < bestValue;
}

function fitScaler(y: Float32Array): TargetScaler {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i];
  mean /= y.length;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += (y[i] - mean) ** 2;
  const std = Math.sqrt(ss / y.length);
  return { mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
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

/** Gathers a batch on the JS side: x, x^T (so the step needs no device transpose of the input), targets, masks. */
function makeBatch(x: Matrix, targets: Float32Array, rows: Uint32Array, spec: NetSpec, rng: Rng): Batch {
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
  };
}

function sampleRows(x: Matrix, y: Float32Array, n: number, rng: Rng): { x: Matrix; y: Float32Array } | null {
  if (x.rows === 0) return null;
  if (x.rows <= n) return { x, y };
  const pick = rng.shuffle(new Uint32Array(x.rows).map((_, i) => i)).subarray(0, n).sort();
  const data = new Float32Array(n * x.cols);
  const ys = new Float32Array(n);
  pick.forEach((r, i) => {
    data.set(x.data.subarray(r * x.cols, (r + 1) * x.cols), i * x.cols);
    ys[i] = y[r];
  });
  return { x: { rows: n, cols: x.cols, data }, y: ys };
}

/** Loss (as trained: cross-entropy, or squared error of the standardised target) and metric of the current model. */
function evaluate(fitted: FittedMlp, x: Matrix, y: Float32Array, metric: Metric | null): { loss: number; metric: number | null } {
  if (x.rows === 0) return { loss: NaN, metric: null };
  const pred = fitted.predict(x);
  const n = y.length;
  let loss = 0;
  if (fitted.task.type === "regression") {
    const std = fitted.scaler?.std ?? 1;
    for (let i = 0; i < n; i++) loss += ((pred[i] - y[i]) / std) ** 2;
  } else {
    const k = fitted.task.type === "binary" ? 2 : fitted.spec.outputs;
    for (let i = 0; i < n; i++) loss -= Math.log(Math.min(Math.max(pred[i * k + y[i]], 1e-15), 1 - 1e-15));
  }
  return { loss: loss / n, metric: metric ? score(metric, fitted.task, y, pred) : null };
}
