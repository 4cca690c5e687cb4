import type { ColumnType } from "../contracts/dataset";
import type { CellFormat } from "./column-builder";
import { countDistinct } from "./distinct-numbers";
import type { Column, Table } from "./table";
import { parseBoolean } from "./values";

export interface InferredType {
  name: string;
  type: ColumnType;
  /** why, in words the studio shows next to the column */
  reason: string;
}

/** A table as parsed, optionally with how each column's cells were read (parseCsvFile gives it). */
export type TableWithFormats = Table & { formats?: Record<string, CellFormat> };

/** at most this many distinct integers can be codes of a category */
export const MAX_CODE_VALUES = 10;
/** below this many rows nothing is called an identifier: uniqueness is too likely by chance */
export const MIN_ROWS_FOR_IDENTIFIER = 20;

/**
 * A type for each column, with the rule that decided it. The rules, in order:
 * - dates, as recognised by the parser, are datetime;
 * - strings that are all yes/no words (true/false, yes/no, t/f, y/n, any case) are boolean; they stay strings ("Yes",
 *   "No") and preprocessing maps them to 0/1;
 * - numbers that are only 0 and 1 are boolean;
 * - integers unique per row that run in sequence (max − min + 1 = rows), or in a column named like an id, are an identifier;
 * - at most 10 distinct integers, seen 5 times each on average, packed in a narrow range (max − min + 1 ≤ 2 × distinct)
 *   are codes of a category (a count or an amount spreads wider, or has more values);
 * - other numbers are numeric;
 * - strings: mostly distinct and mostly containing spaces, or long (30+ characters on average), are text;
 *   unique or nearly unique (95%+) short strings are an identifier; the rest are categorical.
 */
export function inferColumnTypes(table: TableWithFormats): InferredType[] {
  return table.columns.map((c) => ({ name: c.name, ...inferOne(c, table.formats?.[c.name]) }));
}

function inferOne(column: Column, format: CellFormat | undefined): Omit<InferredType, "name"> {
  if (format === "datetime") return { type: "datetime", reason: "every value is a date" };
  return column.kind === "number" ? inferNumbers(column.name, column.values) : inferStrings(column.codes, column.categories);
}

function inferNumbers(name: string, values: Float64Array): Omit<InferredType, "name"> {
  let present = 0;
  let integers = true;
  let zeroOne = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    present++;
    if (integers && !Number.isInteger(v)) integers = false;
    if (zeroOne && v !== 0 && v !== 1) zeroOne = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (present === 0) return { type: "numeric", reason: "the column has no values" };
  if (zeroOne) return { type: "boolean", reason: "the only values are 0 and 1" };
  const k = countDistinct(values);
  if (integers && k === values.length && values.length >= MIN_ROWS_FOR_IDENTIFIER) {
    if (max - min + 1 === values.length) {
      return { type: "identifier", reason: `a unique integer per row, in sequence from ${min} to ${max}: a row number, not a feature` };
    }
    if (/(^|[_\s-])id$|^id|Id$|ID$/.test(name)) {
      return { type: "identifier", reason: "a unique integer per row in a column named like an id" };
    }
  }
  if (integers && k <= MAX_CODE_VALUES && k <= present / 5 && max - min + 1 <= 2 * k) {
    return {
      type: "categorical",
      reason: `${k} distinct integers (${min} to ${max}), few and close together: read as category codes rather than amounts`,
    };
  }
  return { type: "numeric", reason: `numbers with ${k} distinct values` };
}

function inferStrings(codes: Int32Array, categories: string[]): Omit<InferredType, "name"> {
  const counts = new Int32Array(categories.length);
  let present = 0;
  for (const c of codes) {
    if (c >= 0) {
      counts[c]++;
      present++;
    }
  }
  if (present === 0) return { type: "categorical", reason: "the column has no values" };
  const used = categories.filter((_, i) => counts[i] > 0);
  if (used.every((s) => parseBoolean(s) !== null)) {
    const words = [...used].sort();
    const shown = words.length > 6 ? `${words.slice(0, 6).join(", ")}, …` : words.join(", ");
    return { type: "boolean", reason: `every value is a yes/no word (${shown})` };
  }
  let withSpaces = 0;
  let chars = 0;
  categories.forEach((s, i) => {
    if (/\s/.test(s)) withSpaces += counts[i];
    chars += s.length * counts[i];
  });
  const distinct = used.length;
  const ratio = distinct / present;
  const avgLength = chars / present;
  const pct = (x: number) => `${Math.round(x * 100)}%`;
  if (ratio >= 0.5 && (withSpaces / present >= 0.5 || avgLength >= 30)) {
    return {
      type: "text",
      reason: `free text: ${pct(ratio)} of values distinct, ${pct(withSpaces / present)} contain spaces, ${avgLength.toFixed(0)} characters on average`,
    };
  }
  if (ratio >= 0.95 && present >= MIN_ROWS_FOR_IDENTIFIER) {
    return { type: "identifier", reason: `${pct(ratio)} of values are unique: an identifier, not a feature` };
  }
  return { type: "categorical", reason: `text values with ${distinct} distinct categories` };
}
