import { z } from "zod";
import { Metric, ProblemType } from "./dataset";
import { PredictionWarning } from "./prediction";

/**
 * Deployed candidates and real-time predictions (POST /api/models/:id/predict with JSON rows). Shared by the server
 * and the UI.
 */

/** the most rows one real-time request may send; larger batches go through the CSV prediction */
export const MAX_PREDICT_ROWS = 10_000;

/** the path a deployed model answers predictions on */
export const predictPath = (modelId: string) => `/api/models/${encodeURIComponent(modelId)}/predict`;

/** a string as one shell word (POSIX sh single quotes: a quote inside becomes '\'') */
export const shellQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

/** the curl command that sends rows to a deployed model's absolute URL */
export function curlExample(url: string, rows: Record<string, RowValue>[]): string {
  return [`curl -X POST ${shellQuote(url)}`, `  -H 'Content-Type: application/json'`, `  -d ${shellQuote(JSON.stringify({ rows }))}`].join(" \\\n");
}

/** a deployment: the model id to call, and the candidate it serves */
export const DeploymentDto = z.object({
  /** the model id of /api/models/:id */
  id: z.string(),
  trialId: z.string(),
  runId: z.string(),
  trialNumber: z.number().int(),
  family: z.string(),
  createdAt: z.string(),
  /** POST JSON rows here (a path on the studio's origin) */
  endpoint: z.string(),
});
export type DeploymentDto = z.infer<typeof DeploymentDto>;

/** GET /api/trials/:id/deploy: the candidate's deployment, or null when it is not deployed */
export const TrialDeploymentDto = z.object({ deployment: DeploymentDto.nullable() });
export type TrialDeploymentDto = z.infer<typeof TrialDeploymentDto>;

/** GET /api/runs/:id/deployments: the run's deployed candidates, the oldest first */
export const DeploymentListDto = z.object({ deployments: z.array(DeploymentDto) });
export type DeploymentListDto = z.infer<typeof DeploymentListDto>;

/** a cell of a row sent to a model: JSON numbers, strings, booleans, or null for a missing value */
export const RowValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type RowValue = z.infer<typeof RowValue>;

/** how the model reads a column (its fitted preprocessing step) */
export const ModelInputKind = z.enum(["numeric", "boolean", "categorical", "datetime", "text"]);
export type ModelInputKind = z.infer<typeof ModelInputKind>;

export const ModelInputDto = z.object({
  name: z.string(),
  kind: ModelInputKind,
  /** categorical: the categories learnt (at most MAX_LISTED_VALUES); boolean: the training's words; null otherwise */
  values: z.array(z.string()).nullable(),
  /** a plausible value: the training median, the most frequent category, the earliest date... */
  example: RowValue,
});
export type ModelInputDto = z.infer<typeof ModelInputDto>;

/** at most this many categories are listed per input */
export const MAX_LISTED_VALUES = 100;

/** GET /api/models/:id: the deployment and what to send it */
export const ModelInfoDto = DeploymentDto.extend({
  label: z.string(),
  problemType: ProblemType,
  metric: Metric,
  /** a classifier's classes, in the order of its probabilities; empty for regression */
  classes: z.array(z.string()),
  /** the columns every row must have (null for a missing value) */
  inputs: z.array(ModelInputDto),
  /** columns the model does not use (and the label): a row may carry them, they are ignored */
  ignored: z.array(z.string()),
  /** a row built from the inputs' examples, ready to send */
  exampleRow: z.record(z.string(), RowValue),
  maxRows: z.number().int(),
});
export type ModelInfoDto = z.infer<typeof ModelInfoDto>;

/** POST /api/models/:id/predict */
export const PredictRowsInput = z.object({
  rows: z
    .array(z.unknown(), { error: 'Send {"rows": [...]}: a list of rows, each an object of column values.' })
    .min(1, "Send at least one row.")
    .max(MAX_PREDICT_ROWS, `Send at most ${MAX_PREDICT_ROWS} rows per request; predict larger files as a CSV.`),
});
export type PredictRowsInput = z.infer<typeof PredictRowsInput>;

/** one prediction per row, in order */
export const RowPredictionDto = z.object({
  /** the class (classification) or the value (regression; null if the model gave no finite number) */
  prediction: z.union([z.string(), z.number(), z.null()]),
  /** classification: the probability of each class (they sum to 1) */
  probabilities: z.record(z.string(), z.number()).optional(),
});
export type RowPredictionDto = z.infer<typeof RowPredictionDto>;

export const PredictRowsDto = z.object({
  model: z.string(),
  trialId: z.string(),
  problemType: ProblemType,
  predictions: z.array(RowPredictionDto),
  /** what the rows got wrong that the predictions worked around (as for a CSV) */
  warnings: z.array(PredictionWarning),
});
export type PredictRowsDto = z.infer<typeof PredictRowsDto>;
