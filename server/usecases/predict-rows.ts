import { PredictRowsInput, type PredictRowsDto, type RowPredictionDto } from "../contracts/deployment";
import type { StudioContext } from "../context";
import { DataError } from "../data/data-error";
import type { PreprocessorState } from "../data/preprocess";
import { checkPredictionTable, predictionWarnings } from "../data/schema-check";
import { useDeployedModel } from "./deployed-model";
import { predictorCache, type PredictorCache } from "./predictor-cache";
import { headerOfRows, tableFromRows } from "./rows-table";

/**
 * Real-time predictions: JSON rows in, one prediction per row out (and each class's probability for a classifier),
 * from a deployed model's cached predictor. The same predictions as a prediction CSV of the same rows
 * (server/export/predict.ts): the rows become a Table as a CSV would (rows-table.ts), the header is checked the same
 * way (a missing or unknown column is a 400 that names it) and what the CSV path warns about comes back as warnings.
 */
export async function predictRows(ctx: StudioContext, modelId: string, body: unknown, cache: PredictorCache = predictorCache()): Promise<PredictRowsDto> {
  const { rows } = PredictRowsInput.parse(body);
  return useDeployedModel(ctx, modelId, cache, (predictor, deployment) => {
    const { preprocessing, task } = predictor;
    const header = headerOfRows(rows);
    checkColumns(preprocessing, header, deployment.id);
    const table = tableFromRows(rows, header, preprocessing);
    const warnings = predictionWarnings(preprocessing, table);
    const out = predictor.predict(table);
    let predictions: RowPredictionDto[];
    if (task.type === "regression") {
      predictions = Array.from(out, (v) => ({ prediction: Number.isFinite(v) ? v : null }));
    } else {
      const k = task.classes.length;
      const decided = predictor.decide(out);
      predictions = Array.from(decided, (code, i) => {
        // no prototype: a class named "__proto__" is a key like any other
        const probabilities = Object.create(null) as Record<string, number>;
        for (let c = 0; c < k; c++) probabilities[task.classes[c]] = out[i * k + c];
        return { prediction: task.classes[code], probabilities };
      });
    }
    return { model: deployment.id, trialId: deployment.trialId, problemType: task.type, predictions, warnings };
  });
}

/** the CSV path's header check (the same columns missing or unexpected), its advice worded for rows */
function checkColumns(state: PreprocessorState, header: string[], modelId: string): void {
  try {
    checkPredictionTable(state, header);
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    throw new DataError(err.message.replace(/ The file must have .*$/, ` Each row must have the columns the model was trained on (GET /api/models/${modelId} lists them).`));
  }
}
