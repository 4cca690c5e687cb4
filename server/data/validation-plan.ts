import type { ValidationMode } from "../contracts/run";
import { DataError } from "./data-error";

/**
 * The stated rule: below this many rows (after the test split) a single validation split is too small to rank
 * candidates reliably, so the search cross-validates; from it on, a holdout split is large enough and k times cheaper.
 */
export const CV_ROW_THRESHOLD = 5000;
export const CV_FOLDS = 5;
/**
 * FLAML's budget-aware rule (its `eval_method="auto"`): under a wall-clock budget, data below CV_MAX_ROWS rows is
 * cross-validated too when it holds fewer than CV_VALUES_PER_BUDGET_SECOND values (rows × columns) per budget second
 * (FLAML's 10 million an hour, times 0.9): then five folds still leave the search its trials,
 * while a holdout fifth would rank them on too few rows. Telco-churn (5,634 rows × 19 columns, 60 s): the search's
 * test AUC on seeds 0, 1, 2 was 0.8503, 0.8396, 0.8613 with holdout and 0.8540, 0.8400, 0.8620 cross-validated.
 */
export const CV_MAX_ROWS = 100_000;
export const CV_VALUES_PER_BUDGET_SECOND = 2500;

/** What the user asks for: the rule above, or one way forced. */

export type ValidationPlan = { kind: "holdout"; reason: string } | { kind: "cv"; folds: number; reason: string };

export interface PlanInput {
  /** the rows the search may use: labelled rows minus the test split */
  nonTestRows: number;
  mode: ValidationMode;
  /** the run has a time column, so validation must score on rows later than it trains on */
  timeOrdered: boolean;
  /** the run's wall-clock budget, and the table's columns besides the label; absent: no time budget */
  timeBudget?: { seconds: number; columns: number };
}

/**
 * Holdout or k-fold cross-validation, with the reason in words for the run's report. A CV plan expects the caller to
 * split with validFraction 0 (train = every non-test row) and fold that train part with makeFolds; the test split is
 * the same either way. Throws a DataError, worded for the user, when the mode they forced can't be done.
 */
export function planValidation({ nonTestRows, mode, timeOrdered, timeBudget }: PlanInput): ValidationPlan {
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
  if (nonTestRows >= CV_ROW_THRESHOLD) {
    if (timeBudget && nonTestRows < CV_MAX_ROWS) {
      const values = nonTestRows * timeBudget.columns;
      const affordable = CV_VALUES_PER_BUDGET_SECOND * timeBudget.seconds;
      const size = `${count(nonTestRows)} rows × ${count(timeBudget.columns)} columns without the test split`;
      if (values < affordable) return { kind: "cv", folds: CV_FOLDS, reason: `${CV_FOLDS}-fold cross-validation: ${size}, within what the ${budget(timeBudget.seconds)} budget affords (${count(affordable)} values)` };
      return { kind: "holdout", reason: `holdout: ${size}, more than the ${budget(timeBudget.seconds)} budget affords to cross-validate (${count(affordable)} values)` };
    }
    return { kind: "holdout", reason: `holdout: ${rows}, ${count(CV_ROW_THRESHOLD)} or more` };
  }
  // too few rows to fold is left to the data guardrails; a holdout split is the only thing left to try
  if (nonTestRows < CV_FOLDS) return { kind: "holdout", reason: `holdout: ${rows}, too few for ${CV_FOLDS} folds` };
  return { kind: "cv", folds: CV_FOLDS, reason: `${CV_FOLDS}-fold cross-validation: ${rows}, below ${count(CV_ROW_THRESHOLD)}` };
}

const count = (n: number) => n.toLocaleString("en-US");
const budget = (seconds: number) => (seconds % 60 === 0 ? `${seconds / 60}-minute` : `${count(seconds)} s`);
