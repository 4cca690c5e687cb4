import { describe, expect, it } from "vitest";
import { ColumnBuilder } from "./column-builder";
import { DataError } from "./data-error";
import { DEFAULT_MISSING_TOKENS } from "./values";

const missing = new Set(DEFAULT_MISSING_TOKENS);
function build(cells: string[]) {
  const b = new ColumnBuilder("c", missing, cells.length);
  for (const c of cells) b.push(c);
  return b.finish();
}

describe("ColumnBuilder", () => {
  it("keeps numbers as numbers, with NaN for missing, past its initial capacity", () => {
    const cells = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? "NA" : String(i / 2)));
    const { column, format } = build(cells);
    expect(format).toBe("number");
    if (column.kind !== "number") throw new Error("kind");
    expect(column.values.length).toBe(3000);
    expect(column.values[0]).toBeNaN();
    expect(column.values[2999]).toBe(1499.5);
  });

  it("converts to dictionary-encoded strings at the first non-number", () => {
    const { column } = build(["1", "2", "", "1", "x", "2"]);
    expect(column).toEqual({ name: "c", kind: "string", codes: Int32Array.from([0, 1, -1, 0, 2, 1]), categories: ["1", "2", "x"] });
  });

  it("keeps boolean words as written, and turns dates into ms since epoch", () => {
    const bool = build(["Yes", "no", "", "YES"]);
    expect(bool.format).toBe("boolean");
    expect(bool.column).toEqual({ name: "c", kind: "string", codes: Int32Array.from([0, 1, -1, 2]), categories: ["Yes", "no", "YES"] });
    const date = build(["2012/01/01", "?", "2012/01/02"]);
    expect(date.format).toBe("datetime");
    expect(date.dateFormat).toBe("ymd-slash");
    expect(date.column.kind === "number" && Array.from(date.column.values)).toEqual([Date.UTC(2012, 0, 1), NaN, Date.UTC(2012, 0, 2)]);
  });

  it("keeps 0/1 numeric and mixed words as strings", () => {
    expect(build(["0", "1", "1"]).format).toBe("number");
    expect(build(["yes", "no", "maybe"]).format).toBe("string");
  });

  it("keeps one category per number on both sides of the first word, and a missing token that reads as a number missing", () => {
    const { column } = build(["1.50", "2", "x", "1.5", "2.0", "NA"]);
    expect(column).toEqual({ name: "c", kind: "string", codes: Int32Array.from([0, 1, 2, 0, 1, -1]), categories: ["1.5", "2", "x"] });
    const b = new ColumnBuilder("c", new Set(["-999"]), 4);
    for (const cell of ["-999", "3", "y", "-999"]) b.push(cell);
    expect(b.finish().column).toEqual({ name: "c", kind: "string", codes: Int32Array.from([-1, 0, 1, -1]), categories: ["3", "y"] });
  });

  it("refuses more rows than it was told the file can hold", () => {
    const b = new ColumnBuilder("c", missing, 2);
    for (const cell of ["1", "2", "3"]) b.push(cell);
    expect(() => b.finish()).toThrow(DataError);
  });
});
