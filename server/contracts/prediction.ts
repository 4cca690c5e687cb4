import { z } from "zod";

/**
 * What a prediction file may get wrong without stopping the predictions: each warning names a column, how many rows
 * are affected and a few of the values, and says what was done with them. Shared by the server and the UI.
 */
export const PredictionWarningKind = z.enum(["unseen_categories", "not_numeric", "not_a_date", "all_missing"]);
export type PredictionWarningKind = z.infer<typeof PredictionWarningKind>;

export const PredictionWarning = z.object({
  column: z.string(),
  kind: PredictionWarningKind,
  /** the number of rows affected */
  rows: z.number().int().nonnegative(),
  /** a few of the offending values, as written (none for all_missing) */
  examples: z.array(z.string()),
  /** a sentence for people: what is wrong and what was done about it */
  message: z.string(),
});
export type PredictionWarning = z.infer<typeof PredictionWarning>;

export const PredictionWarnings = z.array(PredictionWarning);

/** the response header of POST /api/runs/:id/predict that carries the warnings: URI-encoded JSON of PredictionWarning[] */
export const PREDICTION_WARNINGS_HEADER = "X-Prediction-Warnings";

/** the header value for a list of warnings */
export function encodePredictionWarnings(warnings: PredictionWarning[]): string {
  return encodeURIComponent(JSON.stringify(warnings));
}

/** the warnings in a header value; an empty list when the header is absent or unreadable (the CSV still counts) */
export function decodePredictionWarnings(value: string | null): PredictionWarning[] {
  if (!value) return [];
  try {
    const parsed = PredictionWarnings.safeParse(JSON.parse(decodeURIComponent(value)));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}
