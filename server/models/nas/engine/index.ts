/**
 * The training engine of searched networks: any Architecture (architecture.ts), trained with a hand-written backward
 * pass (graph.ts) on one flat parameter vector (layout.ts, store.ts, optimizer.ts) by NasTrainer (trainer.ts); the
 * result leaves as Keras weights by layer name for the tf.LayersModel of the same architecture.
 */
export { NasTrainer, type EpochResult, type TrainData, type TrainerOptions, type TrainerState } from "./trainer";
export { parseTrainingConfig, scheduleFactor, trainingConfigSchema, lrScheduleSchema, type LrSchedule, type TrainingConfig } from "./config";
export { exportWeights, importWeights, initialParams, paramLayout, BN_EPSILON, BN_MOMENTUM, type Linear, type ParamLayout } from "./layout";
export { loadIntoModel, modelWeights } from "./keras";
export { trainStep, inferenceForward, type StepBatch, type StepParams, type StepResult } from "./graph";
