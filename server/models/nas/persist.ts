import type * as tf from "@tensorflow/tfjs";
import { z } from "zod";
import { loadLayersModel, readFamilyFile, saveLayersModel, writeFamilyFile } from "../layers/persist";
import type { Params } from "../../automl/space/suggest";
import type { Task } from "../family";
import { architectureSchema, parseArchitecture, type Architecture } from "./architecture";
import { NAS_SPACES, type NasSpace } from "./space";

/** What a saved searched network consists of (FittedNas has these fields). */
export interface NasParts {
  model: tf.LayersModel;
  arch: Architecture;
  space: NasSpace;
  task: Task;
  scaler: { mean: number; std: number } | null;
  params: Params;
  inherited: readonly string[];
}

/**
 * Persistence in the TensorFlow.js layers format (model.json + weights.bin, loadable by tf.loadLayersModel in a
 * browser) plus family.json with what the family adds: the task, the architecture (the model's one stored form,
 * from which it can be rebuilt), the search space, the regression target scaler, the hyperparameters and the
 * inherited layers. The layers format and the atomic writes are shared with the MLP (layers/persist.ts).
 */

const FamilyFile = z.object({
  format: z.literal("automl-studio/tfjs-nas@1"),
  task: z.object({ type: z.enum(["binary", "multiclass", "regression"]), classes: z.array(z.string()) }),
  architecture: architectureSchema,
  space: z.enum(NAS_SPACES),
  scaler: z.object({ mean: z.number(), std: z.number() }).nullable(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  inherited: z.array(z.string()),
});
type FamilyFile = z.infer<typeof FamilyFile>;

export async function saveNas(dir: string, fitted: NasParts): Promise<void> {
  await saveLayersModel(dir, fitted.model);
  const family: FamilyFile = {
    format: "automl-studio/tfjs-nas@1",
    task: { type: fitted.task.type, classes: fitted.task.classes },
    architecture: fitted.arch,
    space: fitted.space,
    scaler: fitted.scaler,
    params: fitted.params,
    inherited: [...fitted.inherited],
  };
  await writeFamilyFile(dir, family);
}

export async function loadNas(dir: string, task: Task): Promise<NasParts> {
  const family = FamilyFile.parse(await readFamilyFile(dir));
  if (family.task.type !== task.type) {
    throw new Error(`nas: the saved model is for a ${family.task.type} task, not ${task.type}`);
  }
  const arch = parseArchitecture(family.architecture);
  const model = await loadLayersModel(dir);
  const classes = task.classes.length ? task.classes : family.task.classes;
  return { model, arch, space: family.space, task: { type: task.type, classes }, scaler: family.scaler, params: family.params, inherited: family.inherited };
}
