import type { ValidationMode } from "../contracts/run";
import { DataError } from "./data-error";

/**
 * The stated rule: below this many rows (after the test split) a single validation split is too small to rank
 * candidates reliably, so the search cross-validates; from it on, a holdout split is large enough and k times cheaper.
 */
export const CV_ROW_THRESHOLD = 5000;
export const CV_FOLDS = 5;

/** What the user asks for: the rule above, or one way forced. */

export type ValidationPlan = { kind: "holdout"; reason: string } | { kind: "cv"; folds: number; reason: string };

export interface PlanInput {
  /** the rows the search may use: labelled rows minus the test split */
  nonTestRows: number;
  mode: ValidationMode;
  /** the run has a time column, so validation must score on rows later than it trains on */
  timeOrdered: boolean;
}

/**
 * Holdout or k-fold cross-validation, with the reason in words for the run's report. A CV plan expects the caller to
 * split with validFraction 0 (train = every non-test row) and fold that train part with makeFolds; the test split is
 * the same either way. Throws a DataError, worded for the user, when the mode they forced can't be done.
 */
export function planValidation({ nonTestRows, mode, timeOrdered }: PlanInput): ValidationPlan {
  if (!Number.isInteger(nonTestRows) || nonTestRows < 0) {
    throw new Error(`planValidation: nonTestRows must be a non-negative integer, got ${nonTestRows}`);
  }
  const rows = `${count(nonTestRows)} rows without the test split`;
  if (timeOrdered) {
    if (mode === "cv") {
      throw new DataError(
        "Cross-validation can't be used with a time column: most folds would train on rows later than the ones they are scored on. Choose holdout validation, or remove the time column.",
      );
    }
    return { kind: "holdout", reason: "holdout in time order: folds would train on the future" };
  }
  if (mode === "holdout") return { kind: "holdout", reason: `holdout, as asked: ${rows}` };
  if (mode === "cv") {
    if (nonTestRows < CV_FOLDS) {
      throw new DataError(
        `${CV_FOLDS}-fold cross-validation needs at least ${CV_FOLDS} rows besides the test split, one per fold; this data has ${count(nonTestRows)}. Choose holdout validation, or add rows.`,
      );
    }
    return { kind: "cv", folds: CV_FOLDS, reason: `${CV_FOLDS}-fold cross-validation, as asked: ${rows}` };
  }
  if (nonTestRows >= CV_ROW_THRESHOLD) return { kind: "holdout", reason: `holdout: ${rows}, ${count(CV_ROW_THRESHOLD)} or more` };
  // too few rows to fold is left to the data guardrails; a holdout split is the only thing left to try
  if (nonTestRows < CV_FOLDS) return { kind: "holdout", reason: `holdout: ${rows}, too few for ${CV_FOLDS} folds` };
  return { kind: "cv", folds: CV_FOLDS, reason: `${CV_FOLDS}-fold cross-validation: ${rows}, below ${count(CV_ROW_THRESHOLD)}` };
}

const count = (n: number) => n.toLocaleString("en-US");
