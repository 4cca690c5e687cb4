import { parseCsvFile } from "../data/parse-csv";
import type { PredictionWarning } from "../contracts/prediction";
import { checkPredictionTable, predictionWarnings } from "../data/schema-check";
import { toCsv } from "../data/csv-write";
import type { ArchivePredictor } from "./predictor-core";

/**
 * Predictions for a CSV: one output row per input row, in order, with a `prediction` column and, for classification,
 * one `proba_<class>` column per class. Missing or unexpected columns stop it (a DataError); what it can work around
 * (unseen categories, values of the wrong type, empty columns) comes back as warnings beside the predictions.
 */
export interface PredictionResult {
  csv: string;
  warnings: PredictionWarning[];
}

export async function predictionsCsv(predictor: ArchivePredictor, csvPath: string): Promise<PredictionResult> {
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
}
