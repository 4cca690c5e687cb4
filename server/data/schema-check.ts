import { DataError } from "./data-error";
import type { PreprocessorState } from "./preprocess";

/**
 * Checks a prediction file's header against what the model was trained on, before any work, and names every
 * difference at once. The label may be present (it is ignored); columns the model dropped may be absent.
 */
export function checkPredictionTable(state: PreprocessorState, header: string[]): void {
  const present = new Set(header);
  const known = new Set([state.label, ...state.columns.map((c) => c.name)]);
  const missing = state.columns.filter((c) => c.kind !== "dropped" && !present.has(c.name)).map((c) => c.name);
  const unexpected = header.filter((h) => !known.has(h));
  if (missing.length === 0 && unexpected.length === 0) return;
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`Missing columns: ${missing.join(", ")}.`);
  if (unexpected.length > 0) parts.push(`Unexpected columns: ${unexpected.join(", ")}.`);
  parts.push("The file must have the same column names as the training data.");
  throw new DataError(parts.join(" "));
}
