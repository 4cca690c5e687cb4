import { z } from "zod";
import type { Params } from "../../automl/space/suggest";
import type { FitContext, FitInput, FitResult } from "../family";
import { metricsFor } from "../../automl/estimation/metrics";
import { layerShapes, type Architecture, type Weights } from "./architecture";
import { checkSampleWeights, evaluate, fitScaler, improvement, sampleRows, stopReason } from "../layers/training-loop";
import { stoppingMetric } from "../shared/early-stopping";
import { headFor } from "../tfjs-mlp/network";
import { Rng } from "../tfjs-mlp/rng";
import { createRng } from "../../automl/rng";
import type { TargetScaler } from "../layers/predict";
import { buildModel, writeWeights } from "./build";
import { NasTrainer, type LrSchedule, type TrainData, type TrainingConfig as EngineConfig } from "./engine";
import { inheritWeights, widenTowards } from "./inherit";
import { NAS_SPACES, toArchitecture, trainingConfig, type TrainingConfig } from "./space";
import { FittedNas } from "./fitted";
import { decodeCheckpoint, encodeCheckpoint, type TrainingState } from "./checkpoint";

/** Early stopping's patience and the epoch cap, recorded in every trial as fixed values (see index.ts) */
export const PATIENCE = 10;
export const MAX_EPOCHS = 100;
/** The "step" schedule: the rate halves every 10 epochs, so a plateau long enough to stop early has seen a drop */
const STEP_SCHEDULE: LrSchedule = { type: "step", everyEpochs: 10, factor: 0.5 };
/** SGD's momentum in the space's "sgd_momentum" */
const SGD_MOMENTUM = 0.9;
/** Training rows scored each epoch for the training metric (a fixed, seeded sample) */
const TRAIN_METRIC_ROWS = 5000;
/** Reasons that end training for good; "stopped", "deadline" and "paused" are the caller's limits, and a resume goes on */
const FINAL_REASONS = new Set(["early stopping", "max epochs", "diverged"]);

/** The loop's own hyperparameters; values missing from a trial (e.g. the defaults) take these. */
const LoopParams = z.object({
  patience: z.number().int().positive().default(PATIENCE),
  max_epochs: z.number().int().positive().default(MAX_EPOCHS),
});

/** A trained network whose weights a child architecture starts from where its layers match (inherit.ts). */
export interface ParentNetwork {
  arch: Architecture;
  weights: Weights;
}

export interface NasFitResult extends FitResult {
  model: FittedNas;
}

interface Best {
  value: number;
  epoch: number;
  weights: Weights;
}

/** The loop's own state; with the engine's, what a checkpoint holds. */
interface Progress {
  /** the best epoch so far (early stopping); null in a fixed-epoch fit */
  best: Best | null;
  monitorMetric: boolean | null;
  badEpochs: number;
  /** set once training has ended for good, to its reason (FINAL_REASONS) */
  finished: string | null;
}

/**
 * The engine's form of a trial's training hyperparameters. A cosine schedule spans max_epochs, also in a fixed-epoch
 * refit, so that a refit follows the rates its validation fit did.
 */
export function engineConfig(t: TrainingConfig, maxEpochs: number): EngineConfig {
  const schedule: LrSchedule =
    t.lr_schedule === "cosine" ? { type: "cosine", epochs: maxEpochs } : t.lr_schedule === "step" ? STEP_SCHEDULE : { type: "constant" };
  const optimizer = t.optimizer === "sgd_momentum" ? { optimizer: "sgd" as const, momentum: SGD_MOMENTUM } : { optimizer: t.optimizer };
  return { ...optimizer, learningRate: t.learning_rate, schedule, batchSize: t.batch_size };
}

/** ModelFamily.fit: a searched network trained from its own initial weights, or its parent's (ctx.inheritFrom). */
export async function fitNas(input: FitInput, params: Params, ctx: FitContext): Promise<NasFitResult> {
  const parent = ctx.inheritFrom;
  if (parent && !(parent instanceof FittedNas)) throw new Error("nas: a network can only inherit the weights of another searched network");
  return fitNasFrom(input, params, ctx, parent && { arch: parent.arch, weights: parent.weights() });
}

/**
 * Trains the network of a trial's params (space.ts) with the NAS engine, with the MLP's loop semantics (tfjs-mlp/fit.ts):
 * seeded shuffling every epoch, validation loss and the run's metric every epoch (and the metric on a fixed training
 * sample), early stopping on the metric (or the validation loss where the metric is undefined, or moves in steps on
 * few validation rows: shared/early-stopping.ts) after `patience`
 * epochs without improvement, best weights restored; at most `max_epochs`. Ends at ctx.deadline or when ctx.onEpoch
 * says "stop", keeping the best weights so far. ctx.epochs trains exactly that many epochs instead and keeps the final
 * weights (validation may then be empty). Regression targets are standardised for training and mapped back.
 * ctx.pauseAt / ctx.resume pause and continue bit for bit (checkpoint.ts).
 *
 * The engine trains; every epoch its weights go into the TensorFlow.js model of the architecture (build.ts), which
 * scores the epoch and is the fitted model, so what was reported is what the model predicts.
 *
 * With `parent`, every layer whose name and shapes match the parent's starts from the parent's trained weights (weight
 * inheritance), after the parent's layers that the child has wider were widened function-preservingly (inherit.ts
 * widenTowards); FitResult.model.inherited names them. A resumed fit takes them from its checkpoint instead.
 */
export async function fitNasFrom(input: FitInput, rawParams: Params, ctx: FitContext, parent?: ParentNetwork): Promise<NasFitResult> {
  const loop = LoopParams.parse(rawParams);
  const { task, xTrain, yTrain, xVal, yVal, sampleWeight } = input;
  if (xTrain.rows === 0) throw new Error("nas: no training rows");
  if (yTrain.length !== xTrain.rows) throw new Error(`nas: ${yTrain.length} targets for ${xTrain.rows} training rows`);
  if (xVal.rows > 0 && xVal.cols !== xTrain.cols) throw new Error("nas: training and validation matrices differ in columns");
  if (sampleWeight) checkSampleWeights(sampleWeight, xTrain.rows, "nas");
  const fixedEpochs = ctx.epochs;
  if (fixedEpochs !== undefined && !(Number.isInteger(fixedEpochs) && fixedEpochs >= 1)) {
    throw new Error(`nas: epochs must be a positive integer, got ${fixedEpochs}`);
  }
  if (ctx.pauseAt !== undefined && !(Number.isInteger(ctx.pauseAt) && ctx.pauseAt >= 1)) {
    throw new Error(`nas: pauseAt must be a positive integer, got ${ctx.pauseAt}`);
  }
  const arch = toArchitecture(rawParams, xTrain.cols, headFor(task));
  const space = z.enum(NAS_SPACES).parse(rawParams.nas_space);
  const config = engineConfig(trainingConfig(rawParams), loop.max_epochs);
  const scaler = task.type === "regression" ? fitScaler(yTrain) : null;
  const resumed = ctx.resume && decodeCheckpoint(ctx.resume, { seed: ctx.seed, arch, rows: xTrain.rows });

  const trainer = new NasTrainer(arch, config, { seed: ctx.seed });
  let fitted: FittedNas | undefined;
  try {
    let inherited: string[] = [];
    if (resumed) {
      trainer.restore(resumed.trainer);
      inherited = resumed.inherited;
    } else if (parent) {
      const grown = widenTowards(parent.arch, parent.weights, arch, createRng(ctx.seed ^ 0x2545f491));
      const inheritance = inheritWeights(grown.arch, grown.weights, arch, trainer.exportWeights());
      trainer.importWeights(inheritance.weights);
      inherited = inheritance.inherited;
    }
    fitted = new FittedNas(buildModel(arch, ctx.seed), arch, space, task, scaler, rawParams, inherited);
    // the model holds the latest weights between epochs; a resumed fit that trains no further returns them (or the best)
    writeWeights(fitted.model, trainer.exportWeights());
    const p: Progress = resumed
      ? { best: resumed.best, monitorMetric: resumed.monitorMetric, badEpochs: resumed.badEpochs, finished: resumed.finished }
      : { best: null, monitorMetric: null, badEpochs: 0, finished: null };
    const data: TrainData = { x: xTrain, y: scaler ? standardise(yTrain, scaler) : yTrain, sampleWeight };
    const trainSample = sampleRows(xTrain, yTrain, TRAIN_METRIC_ROWS, new Rng(ctx.seed ^ 0x5bd1e995));
    const metric = metricsFor(task).includes(ctx.metric) ? ctx.metric : null;
    const maxEpochs = fixedEpochs ?? loop.max_epochs;
    const pauseAt = ctx.pauseAt ?? Infinity;

    let reason = p.finished; // a checkpoint of a finished fit trains no further
    while (!reason && trainer.epoch < maxEpochs && trainer.epoch < pauseAt) {
      const started = performance.now();
      const epoch = await trainer.trainEpoch(data, { deadline: ctx.deadline });
      const weights = trainer.exportWeights();
      writeWeights(fitted.model, weights);
      const val = evaluate(fitted, fitted.arch.outputs, xVal, yVal, metric);
      const train = trainSample ? evaluate(fitted, fitted.arch.outputs, trainSample.x, trainSample.y, metric) : null;
      const decision = await ctx.onEpoch({
        epoch: epoch.epoch,
        trainLoss: epoch.loss,
        valLoss: val.loss,
        trainMetric: train?.metric ?? null,
        valMetric: val.metric,
        seconds: (performance.now() - started) / 1000,
      });

      if (fixedEpochs === undefined) {
        // without validation rows (not a studio case) the training loss is all there is to watch
        const value = improvement(p, val, stoppingMetric(task, metric, xVal.rows), xVal.rows > 0 ? val.loss : epoch.loss);
        // exportWeights' arrays are copies, and writeWeights copied them
        if (value !== null) p.best = { value, epoch: epoch.epoch, weights };
      }
      reason = stopReason(decision, epoch.stopped, ctx.deadline, epoch.loss, fixedEpochs === undefined && p.badEpochs >= loop.patience);
      if (reason) break;
    }
    reason ??= trainer.epoch >= maxEpochs ? "max epochs" : "paused";
    if (FINAL_REASONS.has(reason)) p.finished = reason;
    const checkpoint =
      ctx.pauseAt === undefined ? undefined : encodeCheckpoint(snapshot(p, { seed: ctx.seed, rows: xTrain.rows, arch, inherited, trainer }));
    if (p.best) writeWeights(fitted.model, p.best.weights);
    return {
      model: fitted,
      epochs: trainer.epoch,
      bestEpoch: p.best?.epoch ?? trainer.epoch,
      reason,
      ...(checkpoint && { checkpoint }),
      ...(parent && { inherited: { layers: inherited, of: layerShapes(arch).size } }),
    };
  } catch (err) {
    fitted?.dispose();
    throw err;
  } finally {
    trainer.dispose();
  }
}

/** The whole training state: between epochs only. */
function snapshot(p: Progress, fit: { seed: number; rows: number; arch: Architecture; inherited: string[]; trainer: NasTrainer }): TrainingState {
  const { seed, rows, arch, inherited, trainer } = fit;
  return { seed, rows, arch, inherited, trainer: trainer.state(), finished: p.finished, monitorMetric: p.monitorMetric, badEpochs: p.badEpochs, best: p.best };
}

function standardise(y: Float32Array, { mean, std }: TargetScaler): Float32Array {
  return y.map((v) => (v - mean) / std);
}
