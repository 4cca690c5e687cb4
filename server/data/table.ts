/**
 * The parsed dataset, columnar: parsed once at upload, stored in binary form, loaded by every trial.
 * Row order is the CSV's row order (data rows, header excluded).
 */
export type Column =
  /** numbers (0/1 included) and datetime (ms since epoch) columns; NaN marks a missing value */
  | { name: string; kind: "number"; values: Float64Array }
  /** categorical, yes/no words ("Yes"/"No", as written), text and identifier columns; code -1 marks a missing value */
  | { name: string; kind: "string"; codes: Int32Array; categories: string[] };

export interface Table {
  rowCount: number;
  columns: Column[];
}
