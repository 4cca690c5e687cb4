import fs from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
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
 * inherited layers. Files are written to a temporary name and renamed into place.
 */

export const FILES = { model: "model.json", weights: "weights.bin", family: "family.json" } as const;

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

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

export async function saveNas(dir: string, fitted: NasParts): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await fitted.model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology!,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${FILES.weights}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeAtomic(path.join(dir, FILES.weights), new Uint8Array(weightData));
      await writeAtomic(path.join(dir, FILES.model), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  const family: FamilyFile = {
    format: "automl-studio/tfjs-nas@1",
    task: { type: fitted.task.type, classes: fitted.task.classes },
    architecture: fitted.arch,
    space: fitted.space,
    scaler: fitted.scaler,
    params: fitted.params,
    inherited: [...fitted.inherited],
  };
  await writeAtomic(path.join(dir, FILES.family), JSON.stringify(family, null, 2));
}

export async function loadNas(dir: string, task: Task): Promise<NasParts> {
  const family = FamilyFile.parse(JSON.parse(await fs.readFile(path.join(dir, FILES.family), "utf8")));
  if (family.task.type !== task.type) {
    throw new Error(`nas: the saved model is for a ${family.task.type} task, not ${task.type}`);
  }
  const arch = parseArchitecture(family.architecture);
  const modelJson = JSON.parse(await fs.readFile(path.join(dir, FILES.model), "utf8")) as tf.io.ModelJSON;
  const weights = await fs.readFile(path.join(dir, FILES.weights));
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: modelJson.format,
      generatedBy: modelJson.generatedBy,
      convertedBy: modelJson.convertedBy,
    }),
  );
  const classes = task.classes.length ? task.classes : family.task.classes;
  return { model, arch, space: family.space, task: { type: task.type, classes }, scaler: family.scaler, params: family.params, inherited: family.inherited };
}
