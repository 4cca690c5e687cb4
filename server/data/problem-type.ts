import type { ColumnType, Metric, ProblemType } from "../contracts/dataset";
import { stringAt } from "./column-values";
import { DataError } from "./data-error";
import { countDistinct, valueCounts } from "./distinct-numbers";
import type { Column, Table } from "./table";

/** a numeric label with more distinct values than this, or with fractions, is a quantity to predict */
export const MAX_CLASSES_FOR_NUMERIC_LABEL = 10;

/**
 * The task a label implies: two distinct values are binary; numbers with many distinct values (or fractions) are
 * regression; anything else is multiclass.
 */
export function detectProblemType(column: Column, type: ColumnType): ProblemType {
  const size = distinctCount(column);
  if (size <= 2) return "binary";
  if (type === "numeric" && column.kind === "number") {
    if (size > MAX_CLASSES_FOR_NUMERIC_LABEL) return "regression";
    return valueCounts(column.values).values.every(Number.isInteger) ? "multiclass" : "regression";
  }
  return "multiclass";
}

const METRICS: Record<ProblemType, Metric[]> = {
  binary: ["auc", "logloss", "accuracy", "balanced_accuracy", "f1", "pr_auc"],
  multiclass: ["logloss", "accuracy", "balanced_accuracy"],
  regression: ["rmse", "mae", "r2"],
};

/** the metric a run optimises unless the user picks another */
export function defaultMetric(problemType: ProblemType): Metric {
  return METRICS[problemType][0];
}

/** the metrics that make sense for a task, the default first */
export function metricsFor(problemType: ProblemType): Metric[] {
  return [...METRICS[problemType]];
}

/** Throws a DataError when the label cannot train the task: absent, empty, one class, or text for regression. */
export function validateLabel(table: Table, label: string, problemType: ProblemType): void {
  const column = table.columns.find((c) => c.name === label);
  if (!column) {
    throw new DataError(`There is no column named "${label}". Pick the label from: ${table.columns.map((c) => c.name).join(", ")}.`);
  }
  const size = distinctCount(column);
  if (size === 0) {
    throw new DataError(`The label column ${label} has no values: every row is missing it. Pick another label column.`);
  }
  if (problemType === "regression") {
    if (column.kind !== "number") {
      throw new DataError(
        `Regression needs a numeric label, but ${label} holds text (for example "${firstValue(column)}"). Choose classification, or a numeric label.`,
      );
    }
    return;
  }
  if (size < 2) {
    throw new DataError(
      `The label column ${label} has only one class ("${firstValue(column)}"); classification needs at least two. Pick another label or add rows of other classes.`,
    );
  }
}

/** distinct present values, counted on the stored arrays (labels are checked for every column at upload) */
function distinctCount(column: Column): number {
  if (column.kind === "number") return countDistinct(column.values);
  const used = new Uint8Array(column.categories.length);
  let size = 0;
  for (const code of column.codes) {
    if (code >= 0 && used[code] === 0) {
      used[code] = 1;
      size++;
    }
  }
  return size;
}

/** the first present value in row order, as a string */
function firstValue(column: Column): string | null {
  const at = stringAt(column);
  const n = column.kind === "number" ? column.values.length : column.codes.length;
  for (let r = 0; r < n; r++) {
    const s = at(r);
    if (s !== null) return s;
  }
  return null;
}
