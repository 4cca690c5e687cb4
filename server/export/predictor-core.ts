import fs from "node:fs/promises";
import path from "node:path";
import { PreprocessorState, transform } from "../data/preprocess";
import { applySelection, SelectionState } from "../data/selection/select";
import type { Table } from "../data/table";
import type { Matrix, Task } from "../models/family";
import { ENSEMBLE_FAMILY, EnsembleSpec, ensembleFiles } from "../models/ensemble/ensemble-spec";
import { bagAverage, stackingFeatures, weightedAverage } from "../models/ensemble/combine";
import { applyCalibration, CalibrationState, decide } from "../automl/calibration/calibration-state";
import { archiveFiles, readManifest } from "./archive-files";
import type { Manifest } from "./manifest";

/**
 * A candidate archive made ready to predict: raw table rows in, the candidate's predictions out (row-major
 * probabilities rows x classes, or one value per row). One code path for a single model and an ensemble; what loads
 * a single model is passed in, so the studio (its families' own files) and the archive's standalone script (the
 * portable JSON, no TensorFlow.js) share everything else and agree.
 */
export interface ArchivePredictor {
  manifest: Manifest;
  task: Task;
  /** the fitted preprocessing, whose columns say what a prediction table must hold */
  preprocessing: PreprocessorState;
  predict(table: Table, rows?: ArrayLike<number>): Float32Array;
  /** the class codes of predicted probabilities: a binary candidate's tuned threshold, else the most probable class */
  decide(probs: Float32Array): Int32Array;
  dispose(): void;
}

export interface LoadedModel {
  predict(x: Matrix): Float32Array;
  dispose(): void;
}

/** where a model's files are: the family's own folder (model/ or stacker/) and its portable.json */
export interface ModelFiles {
  familyDir: string;
  portable: string;
}

export type ModelLoader = (files: ModelFiles, family: string, task: Task) => Promise<LoadedModel>;

export async function loadArchivePredictor(dir: string, loadModel: ModelLoader): Promise<ArchivePredictor> {
  const raw = await loadUncalibrated(dir, loadModel);
  const calibration = await readCalibration(dir);
  const k = raw.task.classes.length;
  return {
    ...raw,
    predict: calibration ? (table, rows) => applyCalibration(calibration, raw.predict(table, rows), k) : raw.predict,
    decide: (probs) => decide(calibration ?? { kind: "none" }, probs, k),
  };
}

type Uncalibrated = Omit<ArchivePredictor, "decide">;

async function loadUncalibrated(dir: string, loadModel: ModelLoader): Promise<Uncalibrated> {
  const manifest = await readManifest(dir);
  const task: Task = { type: manifest.problemType, classes: manifest.classes };
  const preprocessing = PreprocessorState.parse(await readJson(dir, archiveFiles.preprocessing));
  if (manifest.family === ENSEMBLE_FAMILY) return loadEnsemble(dir, manifest, task, preprocessing, loadModel);
  // a bag's every fold model, each through its own data stages, averaged; else the one model
  const folders = manifest.bag?.map((b) => path.join(dir, b.folder)) ?? [dir];
  const models: StagedModel[] = [];
  const dispose = () => models.forEach((m) => m.dispose());
  try {
    for (const folder of folders) models.push(await loadStaged(folder, manifest.family, task, loadModel));
  } catch (err) {
    dispose();
    throw err;
  }
  return {
    manifest,
    task,
    preprocessing,
    predict(table, rows) {
      return bagAverage(models.map((m) => m.predict(table, rows)));
    },
    dispose,
  };
}

type StagedModel = { predict(table: Table, rows?: ArrayLike<number>): Float32Array; dispose(): void };

/** a model of folder/model/ behind the data stages fitted with it (folder/preprocessing.json, selection.json) */
async function loadStaged(folder: string, family: string, task: Task, loadModel: ModelLoader): Promise<StagedModel> {
  const preprocessing = PreprocessorState.parse(await readJson(folder, archiveFiles.preprocessing));
  const selection = SelectionState.parse(await readJson(folder, archiveFiles.selection));
  const model = await loadModel({ familyDir: path.join(folder, archiveFiles.model), portable: path.join(folder, archiveFiles.portable) }, family, task);
  return {
    predict(table, rows) {
      const x = transform(preprocessing, table, rows);
      return model.predict(selection.method === "none" ? x : applySelection(selection, x));
    },
    dispose: () => model.dispose(),
  };
}

async function loadEnsemble(
  dir: string,
  manifest: Manifest,
  task: Task,
  preprocessing: PreprocessorState,
  loadModel: ModelLoader,
): Promise<Uncalibrated> {
  const spec = EnsembleSpec.parse(await readJson(dir, ensembleFiles.spec));
  const members: ArchivePredictor[] = [];
  let stacker: LoadedModel | null = null;
  const dispose = () => {
    members.forEach((m) => m.dispose());
    stacker?.dispose();
  };
  try {
    for (const m of spec.members) members.push(await loadArchivePredictor(path.join(dir, ensembleFiles.members, m.folder), loadModel));
    if (spec.method === "stacking") {
      const stackerDir = path.join(dir, ensembleFiles.stacker);
      stacker = await loadModel({ familyDir: stackerDir, portable: path.join(stackerDir, archiveFiles.portable) }, "linear", task);
    }
  } catch (err) {
    dispose();
    throw err;
  }
  const weights = spec.members.map((m) => m.weight);
  return {
    manifest,
    task,
    preprocessing,
    predict(table, rows) {
      const preds = members.map((m) => m.predict(table, rows));
      return stacker ? stacker.predict(stackingFeatures(preds, task)) : weightedAverage(preds, weights);
    },
    dispose,
  };
}

/** archives written before calibration existed, and regression ones, have none */
async function readCalibration(dir: string): Promise<CalibrationState | null> {
  const text = await fs.readFile(path.join(dir, archiveFiles.calibration), "utf8").catch(() => null);
  return text === null ? null : CalibrationState.parse(JSON.parse(text));
}

async function readJson(dir: string, file: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(dir, file), "utf8"));
}
