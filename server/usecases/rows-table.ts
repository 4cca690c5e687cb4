import { ColumnBuilder } from "../data/column-builder";
import type { PreprocessorState } from "../data/preprocess";
import type { Table } from "../data/table";
import { DEFAULT_MISSING_TOKENS } from "../data/values";
import { BadRequestError } from "./errors";

/**
 * Rows sent as JSON (POST /api/models/:id/predict) as a Table, built the way server/data/parse-csv.ts builds one from a
 * CSV: each cell becomes the text a CSV would hold (trimmed) and goes through the same ColumnBuilder with the same
 * missing-value tokens, so a row predicts exactly as the same row in a prediction CSV.
 *
 * - JSON numbers are written as JavaScript writes them (1.50 arrives as 1.5, which a CSV's "1.50" also reads as);
 * - null (or a missing token such as "" or "NA") is a missing value;
 * - true/false in a yes/no column become the training's own words for 1 and 0 (say "Yes"/"No"); elsewhere "true"/"false";
 * - objects and arrays are refused (400), naming the row and the column.
 *
 * The header is every key of every row, in order of first appearance. A row that lacks a column the model uses is
 * refused (send null for a missing value); columns it does not use (and the label) may be left out of any row.
 */

/** a row and a column in messages: "row 3" counts from 1 */
const rowName = (r: number) => `Row ${r + 1}`;

/** every key of every row, in order of first appearance: the header a CSV of the rows would have */
export function headerOfRows(rows: unknown[]): string[] {
  const header: string[] = [];
  const seen = new Set<string>();
  rows.forEach((row, r) => {
    if (typeof row !== "object" || row === null || Array.isArray(row)) {
      throw new BadRequestError(`${rowName(r)} is not an object: send each row as {"column": value, ...}.`);
    }
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        header.push(key);
      }
    }
  });
  return header;
}

/** the rows as a Table with the given header's columns (headerOfRows, checked against the model first) */
export function tableFromRows(rows: unknown[], header: string[], state: PreprocessorState): Table {
  const used = new Set(state.columns.filter((c) => c.kind !== "dropped").map((c) => c.name));
  const words = booleanWords(state);
  const missing = new Set(DEFAULT_MISSING_TOKENS);
  const columns = header.map((name) => {
    const builder = new ColumnBuilder(name, missing, rows.length);
    const word = words.get(name);
    const required = used.has(name);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r] as Record<string, unknown>;
      if (required && !Object.hasOwn(row, name)) {
        throw new BadRequestError(`${rowName(r)} has no value for column "${name}": every row needs every column the model uses (send null for a missing value).`);
      }
      builder.push(cellText(row[name], word, r, name));
    }
    return builder.finish().column;
  });
  return { rowCount: rows.length, columns };
}

/** the cell as a CSV would hold it, trimmed */
function cellText(value: unknown, word: { one: string; zero: string } | undefined, r: number, column: string): string {
  switch (typeof value) {
    case "undefined":
      return "";
    case "string":
      return value.trim();
    case "number":
      return Number.isFinite(value) ? String(value) : "";
    case "boolean":
      return word ? (value ? word.one : word.zero) : String(value);
    default:
      if (value === null) return "";
      throw new BadRequestError(
        `${rowName(r)}, column "${column}": ${Array.isArray(value) ? "a list" : "an object"} can't be read as a value; send a number, a string, true/false or null.`,
      );
  }
}

/** yes/no columns: the training's words for 1 and 0 */
function booleanWords(state: PreprocessorState): Map<string, { one: string; zero: string }> {
  const out = new Map<string, { one: string; zero: string }>();
  for (const step of state.columns) {
    if (step.kind === "boolean" && step.ones.length > 0 && step.zeros.length > 0) out.set(step.name, { one: step.ones[0], zero: step.zeros[0] });
  }
  return out;
}
