import fs from "node:fs/promises";
import path from "node:path";
import { zipSync } from "fflate";
import type { BlobStore } from "../storage/blob-store";
import { keys } from "../storage/keys";
import { Manifest } from "./manifest";

/**
 * A candidate archive is a folder: manifest.json, preprocessing.json (the fitted data stages),
 * split.json (row indices), selection.json (the fitted feature selection), model/ (the family's payload, e.g. TensorFlow.js model.json + weights.bin).
 * Downloads zip that folder; the CLI writes it unzipped.
 */
export const archiveFiles = {
  manifest: "manifest.json",
  preprocessing: "preprocessing.json",
  split: "split.json",
  selection: "selection.json",
  model: "model",
  /** a classifier's calibration and decision threshold (server/automl/calibration), applied to the model's output */
  calibration: "calibration.json",
  /** out-of-fold (or holdout) predictions of every validation row, in ascending row order, float32: what ensembles combine */
  validationPredictions: "validation-predictions.bin",
} as const;

export class ArchiveNotFoundError extends Error {}

export async function zipArchive(blobs: BlobStore, runId: string, trialId: string): Promise<Uint8Array> {
  const prefix = keys.trialArchive(runId, trialId);
  const files = await blobs.list(prefix);
  if (files.length === 0) throw new ArchiveNotFoundError("This candidate has no archive: only finished candidates can be downloaded.");
  const entries: Record<string, Uint8Array> = {};
  for (const key of files) entries[key.slice(prefix.length + 1)] = new Uint8Array(await blobs.get(key));
  return zipSync(entries, { level: 6, mtime: new Date("2026-01-01T00:00:00Z") });
}

export async function readManifest(dir: string): Promise<Manifest> {
  const text = await fs.readFile(path.join(dir, archiveFiles.manifest), "utf8").catch(() => {
    throw new ArchiveNotFoundError(`${dir} is not a candidate archive: ${archiveFiles.manifest} is missing.`);
  });
  return Manifest.parse(JSON.parse(text));
}

/** Copies an archive folder out of the store (CLI `export`, `train --out`). */
export async function copyArchive(blobs: BlobStore, runId: string, trialId: string, outDir: string): Promise<void> {
  const key = keys.trialArchive(runId, trialId);
  if ((await blobs.list(key)).length === 0) throw new ArchiveNotFoundError("This candidate has no archive: only finished candidates can be exported.");
  const src = await blobs.localPath(key);
  await fs.rm(outDir, { recursive: true, force: true });
  await fs.cp(src, outDir, { recursive: true });
}
