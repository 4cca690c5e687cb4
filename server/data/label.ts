import type { ProblemType } from "../contracts/dataset";
import { stringAt } from "./column-values";
import { DataError } from "./data-error";
import type { Table } from "./table";

export interface EncodedLabel {
  /** one per table row: the class code (index into classes) or the target; NaN where the label is missing */
  y: Float32Array;
  /** class names in code order, sorted (numerically for a numeric label); empty for regression */
  classes: string[];
  /** the rows that have a label, ascending: the only rows a run trains or scores on */
  rowsWithLabel: Int32Array;
}

/**
 * The label as the numbers a model trains on. Classes are named by their string form and sorted, so the same
 * data always gives the same codes and an archive can map codes back to names.
 */
export function encodeLabel(table: Table, label: string, problemType: ProblemType): EncodedLabel {
  const column = table.columns.find((c) => c.name === label);
  if (!column) throw new DataError(`There is no column named "${label}".`);
  const n = table.rowCount;
  const y = new Float32Array(n);
  const rows: number[] = [];
  if (problemType === "regression") {
    if (column.kind !== "number") throw new DataError(`Regression needs a numeric label, but ${label} holds text.`);
    for (let r = 0; r < n; r++) {
      y[r] = column.values[r];
      if (!Number.isNaN(column.values[r])) rows.push(r);
    }
    return { y, classes: [], rowsWithLabel: Int32Array.from(rows) };
  }
  const at = stringAt(column);
  const names = new Set<string>();
  for (let r = 0; r < n; r++) {
    const s = at(r);
    if (s !== null) names.add(s);
  }
  const classes = [...names].sort(
    column.kind === "number" ? (a, b) => Number(a) - Number(b) : (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  );
  const code = new Map(classes.map((c, i) => [c, i]));
  for (let r = 0; r < n; r++) {
    const s = at(r);
    if (s === null) y[r] = NaN;
    else {
      y[r] = code.get(s)!;
      rows.push(r);
    }
  }
  return { y, classes, rowsWithLabel: Int32Array.from(rows) };
}
