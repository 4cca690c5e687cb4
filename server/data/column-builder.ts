import { DataError } from "./data-error";
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

/**
 * Builds one column while rows stream in, without keeping the text: numbers while every value is a number,
 * then dictionary-encoded strings from the first value that is not. Yes/no words and dates are recognised at the end,
 * from the distinct strings only, which is cheap even for long files. Yes/no words stay strings, as written ("Yes",
 * "No"), so labels and predictions show the user's words; preprocessing maps them to 0/1.
 */
export class ColumnBuilder {
  private nums: GrowingArray<Float64Array> | null;
  private codes: GrowingArray<Int32Array> | null = null;
  private readonly categories: string[] = [];
  /** code of each category, and -1 for each missing token: one lookup per string cell */
  private readonly index = new Map<string, number>();
  /** missing tokens that read as numbers (say "-999"): only these need a lookup on a numeric cell */
  private readonly missingNumbers: ReadonlySet<string>;

  /** `maxRows`: the most rows the file can hold; address space for them is reserved, memory is used as rows come */
  constructor(
    readonly name: string,
    private readonly missing: ReadonlySet<string>,
    private readonly maxRows: number,
  ) {
    this.nums = new GrowingArray(Float64Array, maxRows);
    this.missingNumbers = new Set([...missing].filter((t) => parseNumber(t) !== null));
    for (const t of missing) this.index.set(t, -1);
  }

  /** one cell, already trimmed */
  push(text: string): void {
    if (this.nums) {
      const v = parseNumber(text);
      if (v !== null && (this.missingNumbers.size === 0 || !this.missingNumbers.has(text))) {
        this.nums.push(v);
        return;
      }
      if (this.missing.has(text)) {
        this.nums.push(NaN);
        return;
      }
      this.convertToStrings();
    }
    this.codes!.push(this.codeOf(text));
  }

  finish(): BuiltColumn {
    const name = this.name;
    if (this.nums) {
      return { column: { name, kind: "number", values: this.nums.take() }, format: "number", dateFormat: null };
    }
    const codes = this.codes!.take();
    const column: Column = { name, kind: "string", codes, categories: this.categories };
    if (this.categories.every((c) => parseBoolean(c) !== null)) return { column, format: "boolean", dateFormat: null };
    const dateFormat = detectDateFormat(this.categories);
    if (dateFormat) {
      const ms = this.categories.map((c) => parseDate(c, dateFormat) as number);
      return { column: { name, kind: "number", values: decode(codes, ms) }, format: "datetime", dateFormat };
    }
    return { column, format: "string", dateFormat: null };
  }

  /**
   * The category's code (a new one for a new string), or -1 for a missing token. A number keeps its canonical form
   * ("1.50" is the category "1.5") on either side of the first word, as the numbers before it were converted: one value
   * is one category, and the same as a prediction file whose column stays numbers gives.
   */
  private codeOf(text: string): number {
    let code = this.index.get(text);
    if (code === undefined) {
      const v = parseNumber(text);
      const canonical = v === null ? text : String(v);
      code = canonical === text ? undefined : this.index.get(canonical);
      if (code === undefined) {
        code = this.categories.length;
        this.categories.push(canonical);
        this.index.set(canonical, code);
      }
      // the text as written is remembered too: one lookup per cell however it is written
      this.index.set(text, code);
    }
    return code;
  }

  /** the numbers seen so far become strings in their canonical form ("1.50" was already read as 1.5) */
  private convertToStrings(): void {
    const nums = this.nums!.take();
    this.nums = null;
    const codes = new GrowingArray(Int32Array, this.maxRows);
    for (const v of nums) codes.push(Number.isNaN(v) ? -1 : this.codeOf(String(v)));
    this.codes = codes;
  }
}

/** the largest ArrayBuffer V8 reserves (4 GiB): 512 M numbers in one column */
const MAX_BUFFER_BYTES = 2 ** 32;
/** values staged in an ordinary array before they are copied into the reserved buffer in one go */
const BLOCK = 1024;

/** ES2024's resizable ArrayBuffer (in Node since 20), which the project's ES2023 lib does not describe yet */
interface ResizableArrayBuffer extends ArrayBuffer {
  readonly maxByteLength: number;
  resize(byteLength: number): void;
}
const ResizableArrayBuffer = ArrayBuffer as unknown as new (byteLength: number, options: { maxByteLength: number }) => ResizableArrayBuffer;

type TypedArrayKind<T> = { new (length: number): T; new (buffer: ArrayBuffer, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number };

/**
 * A typed array that grows in place, for columns of unknown length. Its buffer is resizable: address space for the most
 * rows the file can hold is reserved up front and pages are committed only as they fill, so growing never copies
 * and the memory used is the data, where a doubling array holds up to twice the data plus a copy while it grows.
 * `take` copies the values out at their exact length and hands the pages back at once, not at the next GC, so a table
 * being finished holds each column once plus one copy at a time. Values are staged in a small ordinary block because
 * V8 writes to an array over a resizable buffer about half as fast.
 */
class GrowingArray<T extends Float64Array | Int32Array> {
  private readonly store: ResizableArrayBuffer;
  private readonly block: T;
  private staged = 0;
  private stored = 0;

  constructor(
    private readonly Kind: TypedArrayKind<T>,
    maxLength: number,
  ) {
    this.store = new ResizableArrayBuffer(0, { maxByteLength: Math.min(MAX_BUFFER_BYTES, Math.max(1, maxLength) * Kind.BYTES_PER_ELEMENT) });
    this.block = new Kind(Math.min(BLOCK, Math.max(1, maxLength)));
  }

  push(v: number): void {
    if (this.staged === this.block.length) this.flush();
    this.block[this.staged++] = v;
  }

  /** the values, in an ordinary array of their exact length; the builder is spent */
  take(): T {
    this.flush();
    const out = new this.Kind(this.store, 0, this.stored).slice() as T;
    this.store.resize(0);
    return out;
  }

  private flush(): void {
    const width = this.Kind.BYTES_PER_ELEMENT;
    const needed = (this.stored + this.staged) * width;
    if (needed > this.store.byteLength) {
      if (needed > this.store.maxByteLength) {
        throw new DataError(`The file has more than ${Math.floor(this.store.maxByteLength / width)} rows, more than one column can hold. Upload a sample of the rows.`);
      }
      // doubling only commits address space: pages count as memory once written
      this.store.resize(Math.min(this.store.maxByteLength, Math.max(needed, 2 * this.store.byteLength)));
    }
    new this.Kind(this.store, this.stored * width, this.staged).set(this.block.subarray(0, this.staged));
    this.stored += this.staged;
    this.staged = 0;
  }
}

function decode(codes: Int32Array, byCode: number[]): Float64Array {
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = codes[i] < 0 ? NaN : byCode[codes[i]];
  return out;
}
