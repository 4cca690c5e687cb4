import type { BlobStore } from "../storage/blob-store";
import { parseCsvFile } from "../data/parse-csv";
import type { PredictionWarning } from "../contracts/prediction";
import { checkPredictionTable, predictionWarnings } from "../data/schema-check";
import { toCsv } from "../data/csv-write";
import { loadPredictor } from "./archive-predictor";

/**
 * Predictions for a CSV from a candidate archive folder: one output row per input row, in order,
 * with a `prediction` column and, for classification, one `proba_<class>` column per class.
 * The same code serves the studio, the CLI and the exported archive, so their predictions agree.
 * Missing or unexpected columns stop it (a DataError); what it can work around (unseen categories, values of the wrong
 * type, empty columns) comes back as warnings beside the predictions.
 */
export interface PredictionResult {
  csv: string;
  warnings: PredictionWarning[];
}

export async function predictFromArchive(archiveDir: string, csvPath: string): Promise<PredictionResult> {
  const predictor = await loadPredictor(archiveDir);
  try {
    const { preprocessing, task } = predictor;
    const table = await parseCsvFile(csvPath);
    checkPredictionTable(preprocessing, table.header);
    const warnings = predictionWarnings(preprocessing, table);
    const out = predictor.predict(table);
    if (task.type === "regression") {
      return { csv: toCsv(["prediction"], Array.from(out, (v) => [v])), warnings };
    }
    const k = task.classes.length;
    const decided = predictor.decide(out);
    const rows = Array.from(decided, (code, i) => [task.classes[code], ...out.subarray(i * k, (i + 1) * k)]);
    return { csv: toCsv(["prediction", ...task.classes.map((c) => `proba_${c}`)], rows), warnings };
  } finally {
    predictor.dispose();
  }
}

export interface PredictCsvOptions {
  blobs: BlobStore;
  archiveKey: string;
  csvPath: string;
}

/** predictions and warnings from an archive in the blob store */
export async function predictWithWarnings(opts: PredictCsvOptions): Promise<PredictionResult> {
  return predictFromArchive(await opts.blobs.localPath(opts.archiveKey), opts.csvPath);
}

/** the predictions CSV alone, from an archive in the blob store */
export async function predictCsv(opts: PredictCsvOptions): Promise<string> {
  return (await predictWithWarnings(opts)).csv;
}
