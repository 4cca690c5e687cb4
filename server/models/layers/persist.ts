import fs from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";

/**
 * The TensorFlow.js layers format that both network families (tfjs-mlp, nas) save in: model.json + weights.bin,
 * loadable by tf.loadLayersModel in a browser, next to a family.json whose schema each family keeps to itself.
 * Files are written to a temporary name and renamed into place, so a reader never sees half a file.
 */

export const FILES = { model: "model.json", weights: "weights.bin", family: "family.json" } as const;

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

/** Writes model.json and weights.bin into dir (created if missing). */
export async function saveLayersModel(dir: string, model: tf.LayersModel): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await model.save(
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
}

/** Writes the family's own file, family.json, as indented JSON. */
export function writeFamilyFile(dir: string, family: object): Promise<void> {
  return writeAtomic(path.join(dir, FILES.family), JSON.stringify(family, null, 2));
}

/** family.json as parsed JSON, for the family's schema to check. */
export async function readFamilyFile(dir: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(dir, FILES.family), "utf8"));
}

/** Reads the model that saveLayersModel wrote into dir. */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(await fs.readFile(path.join(dir, FILES.model), "utf8")) as tf.io.ModelJSON;
  const weights = await fs.readFile(path.join(dir, FILES.weights));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: modelJson.format,
      generatedBy: modelJson.generatedBy,
      convertedBy: modelJson.convertedBy,
    }),
  );
}
