import type { Column } from "./table";
import { detectDateFormat, parseBoolean, parseDate, parseNumber, type DateFormat } from "./values";

/**
 * how a column's cells were read: numbers, yes/no words (kept as strings), dates (read to ms since epoch) or other
 * strings; type inference uses it to tell a date column from plain numbers
 */
export type CellFormat = "number" | "boolean" | "datetime" | "string";

export interface BuiltColumn {
  column: Column;
  format: CellFormat;
  dateFormat: DateFormat | null;
}

const INITIAL_CAPACITY = 1024;

/**
 * Builds one column while rows stream in, without keeping the text: numbers while every value is a number,
 * then dictionary-encoded strings from the first value that is not. Yes/no words and dates are recognised at the end,
 * from the distinct strings only, which is cheap even for long files. Yes/no words stay strings, as written ("Yes",
 * "No"), so labels and predictions show the user's words; preprocessing maps them to 0/1.
 */
export class ColumnBuilder {
  private n = 0;
  private nums: Float64Array | null = new Float64Array(INITIAL_CAPACITY);
  private codes: Int32Array | null = null;
  private readonly categories: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly missing: ReadonlySet<string>,
  ) {}

  /** one cell, already trimmed */
  push(text: string): void {
    if (this.nums) {
      if (this.n === this.nums.length) this.nums = grow(this.nums);
      if (this.missing.has(text)) {
        this.nums[this.n++] = NaN;
        return;
      }
      const v = parseNumber(text);
      if (v !== null) {
        this.nums[this.n++] = v;
        return;
      }
      this.convertToStrings();
    }
    const codes = this.codes!.length === this.n ? (this.codes = grow(this.codes!)) : this.codes!;
    codes[this.n++] = this.missing.has(text) ? -1 : this.codeOf(text);
  }

  finish(): BuiltColumn {
    const name = this.name;
    if (this.nums) {
      return { column: { name, kind: "number", values: this.nums.slice(0, this.n) }, format: "number", dateFormat: null };
    }
    const codes = this.codes!.slice(0, this.n);
    const column: Column = { name, kind: "string", codes, categories: this.categories };
    if (this.categories.every((c) => parseBoolean(c) !== null)) return { column, format: "boolean", dateFormat: null };
    const dateFormat = detectDateFormat(this.categories);
    if (dateFormat) {
      const ms = this.categories.map((c) => parseDate(c, dateFormat) as number);
      return { column: { name, kind: "number", values: decode(codes, ms) }, format: "datetime", dateFormat };
    }
    return { column, format: "string", dateFormat: null };
  }

  private codeOf(text: string): number {
    let code = this.index.get(text);
    if (code === undefined) {
      code = this.categories.length;
      this.categories.push(text);
      this.index.set(text, code);
    }
    return code;
  }

  /** the numbers seen so far become strings in their canonical form ("1.50" was already read as 1.5) */
  private convertToStrings(): void {
    const nums = this.nums!;
    const codes = new Int32Array(nums.length);
    for (let i = 0; i < this.n; i++) codes[i] = Number.isNaN(nums[i]) ? -1 : this.codeOf(String(nums[i]));
    this.codes = codes;
    this.nums = null;
  }
}

function grow<T extends Float64Array | Int32Array>(a: T): T {
  const bigger = new (a.constructor as { new (n: number): T })(a.length * 2);
  bigger.set(a);
  return bigger;
}

function decode(codes: Int32Array, byCode: number[]): Float64Array {
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? NaN : byCode[codes[i]];
  return out;
}
