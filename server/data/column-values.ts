import type { ColumnType } from "../contracts/dataset";
import type { Column } from "./table";
import { mostLikelyDateFormat, parseBoolean, parseDate, parseNumber } from "./values";

/**
 * Reading a column as numbers or as strings, whatever its storage. The same logical column can be stored either way
 * (a prediction file parsed on its own may turn a training column of numbers into strings because of one odd value),
 * so preprocessing, labels and profiles go through here rather than through the storage kind.
 */

/** canonical string form of a number cell: the same as the parser gives when it converts numbers to strings */
export const numberToString = (v: number): string => String(v);

/** the cell at each row as a string, null when missing */
export function stringAt(column: Column): (row: number) => string | null {
  if (column.kind === "number") {
    const values = column.values;
    return (r) => (Number.isNaN(values[r]) ? null : numberToString(values[r]));
  }
  const { codes, categories } = column;
  return (r) => (codes[r] < 0 ? null : categories[codes[r]]);
}

/**
 * The column as numbers (NaN for missing or unreadable): stored numbers as they are; strings read as dates,
 * yes/no words or numbers according to the type.
 */
export function numbersOf(column: Column, type: ColumnType): Float64Array {
  if (column.kind === "number") return column.values;
  const { codes, categories } = column;
  let read: (s: string) => number | null = parseNumber;
  if (type === "datetime") {
    const format = mostLikelyDateFormat(categories);
    read = (s) => (format ? parseDate(s, format) : null);
  } else if (type === "boolean") {
    read = (s) => parseBoolean(s) ?? parseNumber(s);
  }
  const byCode = categories.map((c) => read(c) ?? NaN);
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? NaN : byCode[codes[i]];
  return out;
}
