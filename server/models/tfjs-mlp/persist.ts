import fs from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { z } from "zod";
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
 * network spec and the hyperparameters. Files are written to a temporary name and renamed into place.
 */

export const FILES = { model: "model.json", weights: "weights.bin", family: "family.json" } as const;

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

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

export async function saveMlp(dir: string, fitted: MlpParts): Promise<void> {
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
    format: "automl-studio/tfjs-mlp@1",
    task: { type: fitted.task.type, classes: fitted.task.classes },
    spec: fitted.spec,
    scaler: fitted.scaler,
    params: fitted.params,
  };
  await writeAtomic(path.join(dir, FILES.family), JSON.stringify(family, null, 2));
}

export async function loadMlp(dir: string, task: Task): Promise<MlpParts> {
  const family = FamilyFile.parse(JSON.parse(await fs.readFile(path.join(dir, FILES.family), "utf8")));
  if (family.task.type !== task.type) {
    throw new Error(`mlp: the saved model is for a ${family.task.type} task, not ${task.type}`);
  }
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
  return { model, spec: family.spec, task: { type: task.type, classes }, scaler: family.scaler, params: family.params };
}
