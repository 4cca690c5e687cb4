import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { PreprocessorState } from "../data/preprocess";
import { SelectionState } from "../data/selection/select";
import type { Table } from "../data/table";
import { toCsv } from "../data/csv-write";
import { CalibrationState } from "../automl/calibration/calibration-state";
import type { Task } from "../models/family";
import { ENSEMBLE_FAMILY, EnsembleSpec, ensembleFiles } from "../models/ensemble/ensemble-spec";
import { splitParams } from "../jobs/candidate-space";
import { archiveFiles, readManifest } from "./archive-files";
import { loadPredictor } from "./archive-predictor";
import { portableFromModelDir } from "./portable/portable-export";
import { candidateNotebook } from "./notebook/candidate-notebook";
import type { CandidateNotebookInput, NotebookFit, NotebookModel } from "./notebook/notebook-input";
import { keptModelSeed } from "./manifest";
import { predictScriptSource } from "./standalone/build-predict-script";

/** what the notebook needs beyond the archive's own files */
export type NotebookContext = Omit<CandidateNotebookInput, "manifest" | "model" | "replayRows" | "params">;

const SplitRows = z.object({ train: z.array(z.number().int()), valid: z.array(z.number().int()), test: z.array(z.number().int()) });

/**
 * Adds the exports to an archive folder (a copy out of the store): every model's portable.json, the studio's
 * predictions of the rows the notebook replays, the notebook, and the standalone predict.mjs.
 */
export async function writeCandidateExports(dir: string, table: Table, context: NotebookContext): Promise<void> {
  await writePortables(dir);
  const manifest = await readManifest(dir);
  const split = SplitRows.parse(await readJson(dir, archiveFiles.split));
  const replayRows = split.test.length > 0 ? "test" : "validation";
  const rows = split.test.length > 0 ? split.test : split.valid.length > 0 ? split.valid : split.train;
  await writeStudioPredictions(dir, table, rows);
  const model = manifest.family === ENSEMBLE_FAMILY ? await ensembleModel(dir) : { kind: "single" as const, single: await notebookModel(dir, "") };
  const notebook = candidateNotebook({ ...context, manifest, params: manifest.hyperparameters, replayRows, model });
  await fs.writeFile(path.join(dir, archiveFiles.notebook), notebook);
  await fs.writeFile(path.join(dir, archiveFiles.predictScript), await predictScriptSource(), { mode: 0o755 });
}

/** portable.json beside every single model's files, members' and the stacker's included */
async function writePortables(dir: string): Promise<void> {
  const manifest = await readManifest(dir);
  const task: Task = { type: manifest.problemType, classes: manifest.classes };
  if (manifest.family !== ENSEMBLE_FAMILY) {
    // a bag's every fold model, each in its own folder
    for (const folder of manifest.bag?.map((b) => path.join(dir, b.folder)) ?? [dir]) {
      const portable = await portableFromModelDir(path.join(folder, archiveFiles.model), manifest.family, task);
      await fs.writeFile(path.join(folder, archiveFiles.portable), JSON.stringify(portable));
    }
    return;
  }
  const spec = EnsembleSpec.parse(await readJson(dir, ensembleFiles.spec));
  for (const m of spec.members) await writePortables(path.join(dir, ensembleFiles.members, m.folder));
  if (spec.method === "stacking") {
    const stacker = path.join(dir, ensembleFiles.stacker);
    await fs.writeFile(path.join(stacker, archiveFiles.portable), JSON.stringify(await portableFromModelDir(stacker, "linear", task)));
  }
}

/** the studio's predictions of `rows`: row, then the value, or the class code, label and each class's probability */
async function writeStudioPredictions(dir: string, table: Table, rows: number[]): Promise<void> {
  const predictor = await loadPredictor(dir);
  try {
    const out = predictor.predict(table, rows);
    const { task } = predictor;
    if (task.type === "regression") {
      await fs.writeFile(path.join(dir, archiveFiles.replayPredictions), toCsv(["row", "prediction"], rows.map((r, i) => [r, out[i]])));
      return;
    }
    const k = task.classes.length;
    const codes = predictor.decide(out);
    const header = ["row", "prediction_code", "prediction", ...task.classes.map((c) => `proba_${c}`)];
    const lines = rows.map((r, i) => [r, codes[i], task.classes[codes[i]], ...out.subarray(i * k, (i + 1) * k)]);
    await fs.writeFile(path.join(dir, archiveFiles.replayPredictions), toCsv(header, lines));
  } finally {
    predictor.dispose();
  }
}

async function ensembleModel(dir: string): Promise<CandidateNotebookInput["model"]> {
  const spec = EnsembleSpec.parse(await readJson(dir, ensembleFiles.spec));
  const members = await Promise.all(spec.members.map((m) => notebookModel(dir, `${ensembleFiles.members}/${m.folder}`)));
  return { kind: "ensemble", method: spec.method, weights: spec.members.map((m) => m.weight), members, calibration: await readCalibration(dir) };
}

async function notebookModel(dir: string, folder: string): Promise<NotebookModel> {
  const manifest = await readManifest(path.join(dir, folder));
  const { family, classWeight } = splitParams(manifest.hyperparameters);
  const refit = manifest.refit != null;
  const within = (sub: string) => [folder, sub].filter(Boolean).join("/");
  const fits = manifest.bag
    ? await Promise.all(manifest.bag.map((b, fold) => fitOf(dir, { folder: within(b.folder), key: `${manifest.trialNumber}_fold_${fold + 1}`, refit, fold, seed: b.seed, epochs: b.bestEpoch })))
    : [await fitOf(dir, { folder, key: String(manifest.trialNumber), refit, fold: 0, seed: keptModelSeed(manifest), epochs: manifest.refit?.epochs ?? manifest.bestEpoch })];
  // every fit of a candidate is of its family, so of one portable kind
  const portable = z.object({ kind: z.enum(["linear", "trees", "network"]) }).parse(await readJson(path.join(dir, fits[0].folder), archiveFiles.portable));
  return { folder, manifest, fits, calibration: await readCalibration(path.join(dir, folder)), portableKind: portable.kind, hyperparameters: family, classWeight };
}

/** a fitted model's data stages, read from its folder */
async function fitOf(dir: string, fit: Omit<NotebookFit, "preprocessing" | "selection">): Promise<NotebookFit> {
  const at = path.join(dir, fit.folder);
  return { ...fit, preprocessing: PreprocessorState.parse(await readJson(at, archiveFiles.preprocessing)), selection: SelectionState.parse(await readJson(at, archiveFiles.selection)) };
}

async function readCalibration(dir: string): Promise<CalibrationState | null> {
  const text = await fs.readFile(path.join(dir, archiveFiles.calibration), "utf8").catch(() => null);
  return text === null ? null : CalibrationState.parse(JSON.parse(text));
}

async function readJson(dir: string, file: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(path.join(dir, file), "utf8"));
}
