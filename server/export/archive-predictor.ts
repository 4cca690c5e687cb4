import { initBackend } from "../models/backend";
import { getFamily } from "../models/registry";
import { loadArchivePredictor, type ArchivePredictor, type ModelLoader } from "./predictor-core";

export type { ArchivePredictor } from "./predictor-core";

/** a model from its family's own files, on the studio's TensorFlow.js backend */
const familyModel: ModelLoader = async (files, family, task) => {
  await initBackend();
  return getFamily(family).load(files.familyDir, task);
};

/** The studio's predictor for a candidate archive folder (single model or ensemble), calibrated. */
export function loadPredictor(dir: string): Promise<ArchivePredictor> {
  return loadArchivePredictor(dir, familyModel);
}
