import fs from "node:fs/promises";
import path from "node:path";
import type { BlobStore } from "../storage/blob-store";
import { parseCsvFile } from "../data/parse-csv";
import { checkPredictionTable } from "../data/schema-check";
import { PreprocessorState, transform } from "../data/preprocess";
import { toCsv } from "../data/csv-write";
import { applySelection, SelectionState } from "../data/selection/select";
import { initBackend } from "../models/backend";
import { getFamily } from "../models/registry";
import { archiveFiles, readManifest } from "./archive";

/**
 * Predictions for a CSV from a candidate archive folder: one output row per input row, in order,
 * with a `prediction` column and, for classification, one `proba_<class>` column per class.
 * The same code serves the studio, the CLI and the exported archive, so their predictions agree.
 */
export async function predictFromArchive(archiveDir: string, csvPath: string): Promise<string> {
  const manifest = await readManifest(archiveDir);
  const preprocessing = PreprocessorState.parse(
    JSON.parse(await fs.readFile(path.join(archiveDir, archiveFiles.preprocessing), "utf8")),
  );
  const table = await parseCsvFile(csvPath);
  checkPredictionTable(preprocessing, table.header);
  const selection = SelectionState.parse(JSON.parse(await fs.readFile(path.join(archiveDir, archiveFiles.selection), "utf8")));
  const x = applySelection(selection, transform(preprocessing, table));
  await initBackend();
  const task = { type: manifest.problemType, classes: manifest.classes };
  const model = await getFamily(manifest.family).load(path.join(archiveDir, archiveFiles.model), task);
  try {
    const out = model.predict(x);
    if (task.type === "regression") {
      return toCsv(["prediction"], Array.from(out, (v) => [v]));
    }
    const k = task.classes.length;
    const rows: (string | number)[][] = [];
    for (let i = 0; i < x.rows; i++) {
      const probs = Array.from(out.subarray(i * k, (i + 1) * k));
      let best = 0;
      for (let c = 1; c < k; c++) if (probs[c] > probs[best]) best = c;
      rows.push([task.classes[best], ...probs]);
    }
    return toCsv(["prediction", ...task.classes.map((c) => `proba_${c}`)], rows);
  } finally {
    model.dispose();
  }
}

export async function predictCsv(opts: { blobs: BlobStore; archiveKey: string; csvPath: string }): Promise<string> {
  return predictFromArchive(await opts.blobs.localPath(opts.archiveKey), opts.csvPath);
}
