import type * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { loadLayersModel, readFamilyFile, saveLayersModel, writeFamilyFile } from "../layers/persist";
import type { Task } from "../family";
import { ACTIVATIONS } from "./space";
import type { Params } from "../../automl/space/suggest";
import type { NetSpec } from "./network";

/** What a saved MLP consists of (FittedMlp has these fields). */
export interface MlpParts {
  model: tf.LayersModel;
  spec: NetSpec;
  task: Task;
  scaler: { mean: number; std: number } | null;
  params: Params;
}

/**
 * Persistence in the TensorFlow.js layers format (model.json + weights.bin, loadable by tf.loadLayersModel
 * in a browser) plus family.json with what the family adds: the task, the regression target scaler, the
 * network spec and the hyperparameters. The layers format and the atomic writes are shared with NAS (layers/persist.ts).
 */

const FamilyFile = z.object({
  format: z.literal("automl-studio/tfjs-mlp@1"),
  task: z.object({ type: z.enum(["binary", "multiclass", "regression"]), classes: z.array(z.string()) }),
  spec: z.object({
    inputs: z.number().int().positive(),
    units: z.array(z.number().int().positive()),
    activation: z.enum(ACTIVATIONS),
    batchNorm: z.boolean(),
    dropout: z.number(),
    outputs: z.number().int().positive(),
    head: z.enum(["sigmoid", "softmax", "linear"]),
  }),
  scaler: z.object({ mean: z.number(), std: z.number() }).nullable(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
type FamilyFile = z.infer<typeof FamilyFile>;

export async function saveMlp(dir: string, fitted: MlpParts): Promise<void> {
  await saveLayersModel(dir, fitted.model);
  const family: FamilyFile = {
    format: "automl-studio/tfjs-mlp@1",
    task: { type: fitted.task.type, classes: fitted.task.classes },
    spec: fitted.spec,
    scaler: fitted.scaler,
    params: fitted.params,
  };
  await writeFamilyFile(dir, family);
}

export async function loadMlp(dir: string, task: Task): Promise<MlpParts> {
  const family = FamilyFile.parse(await readFamilyFile(dir));
  if (family.task.type !== task.type) {
    throw new Error(`mlp: the saved model is for a ${family.task.type} task, not ${task.type}`);
  }
  const model = await loadLayersModel(dir);
  const classes = task.classes.length ? task.classes : family.task.classes;
  return { model, spec: family.spec, task: { type: task.type, classes }, scaler: family.scaler, params: family.params };
}
