import fs from "node:fs/promises";
import path from "node:path";
import { Manifest } from "./manifest";

/**
 * A candidate archive is a folder: manifest.json, preprocessing.json (the fitted data stages),
 * split.json (row indices), selection.json (the fitted feature selection), model/ (the family's payload, e.g. TensorFlow.js model.json + weights.bin).
 * Downloads zip that folder, with the exports (candidate-exports.ts) added; the CLI writes it unzipped.
 */
export const archiveFiles = {
  manifest: "manifest.json",
  preprocessing: "preprocessing.json",
  split: "split.json",
  selection: "selection.json",
  model: "model",
  /** a bagged candidate's fold models instead of model/: folds/<n>/ holds model/, preprocessing.json and selection.json */
  folds: "folds",
  /** a classifier's calibration and decision threshold (server/automl/calibration), applied to the model's output */
  calibration: "calibration.json",
  /** out-of-fold (or holdout) predictions of every validation row, in ascending row order, float32: what ensembles combine */
  validationPredictions: "validation-predictions.bin",
  /** exports: the model's parameters in a documented JSON form any language can evaluate (server/export/portable) */
  portable: "portable.json",
  /** exports: the studio's predictions for the rows the notebook replays (the test split, else the validation rows) */
  replayPredictions: "studio-predictions.csv",
  /** exports: the reproducibility notebook */
  notebook: "notebook.ipynb",
  /** exports: a dependency-free Node script predicting a CSV from this folder */
  predictScript: "predict.mjs",
} as const;

/** the folder, relative to an archive, of its (first) model's family payload: model/, or a bag's first fold's */
export const firstModelFolder = (manifest: Pick<Manifest, "bag">): string => (manifest.bag ? `${manifest.bag[0].folder}/${archiveFiles.model}` : archiveFiles.model);

export class ArchiveNotFoundError extends Error {}

export async function readManifest(dir: string): Promise<Manifest> {
  const text = await fs.readFile(path.join(dir, archiveFiles.manifest), "utf8").catch(() => {
    throw new ArchiveNotFoundError(`${dir} is not a candidate archive: ${archiveFiles.manifest} is missing.`);
  });
  return Manifest.parse(JSON.parse(text));
}
