import { describe, expect, it } from "vitest";
import type { ColumnType } from "../contracts/dataset";
import type { Matrix } from "../models/family";
import { categoricalColumns } from "./categorical-columns";
import { fitTransform, transform, type PreprocessOptions } from "./preprocess";
import type { SelectionState } from "./selection/select";
import type { Column, Table } from "./table";

const strings = (name: string, cells: (string | null)[]): Column => {
  const categories = [...new Set(cells.filter((c): c is string => c !== null))];
  const code = new Map(categories.map((c, i) => [c, i]));
  return { name, kind: "string", categories, codes: Int32Array.from(cells, (c) => (c === null ? -1 : code.get(c)!)) };
};
const numbers = (name: string, values: number[]): Column => ({ name, kind: "number", values: Float64Array.from(values) });
const column = (x: Matrix, j: number) => Array.from({ length: x.rows }, (_, i) => x.data[i * x.cols + j]);

// 80 rows: every kind of step before and between the two categorical columns, so their matrix positions move
const rows = 80;
const sizes = ["s", "m", "l", "xl"];
const table: Table = {
  rowCount: rows,
  columns: [
    numbers("num", Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? NaN : i * 1.5))),
    numbers("when", Array.from({ length: rows }, (_, i) => Date.UTC(2024, i % 12, 1 + (i % 27)))),
    // "xxl" once: rare, so it is read as OTHER; a few blanks: no category
    strings("size", Array.from({ length: rows }, (_, i) => (i === 5 ? "xxl" : i % 13 === 0 ? null : sizes[i % 4]))),
    strings("flag", Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? "yes" : "no"))),
    strings("note", Array.from({ length: rows }, (_, i) => `word${i % 5} other`)),
    strings("color", Array.from({ length: rows }, (_, i) => ["red", "green", "blue"][i % 3])),
    numbers("y", Array.from({ length: rows }, (_, i) => i % 2)),
  ],
};
const types = (["num", "when", "size", "flag", "note", "color", "y"] as const).map((name, i) => ({
  name,
  type: (["numeric", "datetime", "categorical", "boolean", "text", "categorical", "numeric"] as ColumnType[])[i],
  reason: "",
}));
const trainRows = Array.from({ length: rows }, (_, i) => i);

const fitted = (options: Partial<PreprocessOptions>) => fitTransform(table, types, { label: "y", trainRows, options });

/** a selection state over `names` keeping `kept` (ascending), by a method other than "none" */
function selection(names: string[], kept: number[], method: SelectionState["method"] = "mutual_info"): SelectionState {
  return {
    version: 1,
    method,
    seed: 0,
    maxFeatures: null,
    scoreLabel: "",
    threshold: null,
    rowsUsed: rows,
    features: names.map((name, j) => ({ name, score: null, kept: kept.includes(j), reason: kept.includes(j) ? null : "dropped" })),
    kept,
    keptNames: kept.map((j) => names[j]),
    notes: [],
  };
}
const everything = (names: string[]) => selection(names, names.map((_, j) => j), "none");

describe("categoricalColumns", () => {
  it("marks unscaled ordinal columns with their category count (OTHER included), where their codes sit in the matrix", () => {
    const { state, train } = fitted({ encoding: "ordinal", scaling: "none" });
    const cats = categoricalColumns(state, everything(state.featureNames));
    expect(cats).toHaveLength(state.featureNames.length);
    const size = state.featureNames.indexOf("size");
    const color = state.featureNames.indexOf("color");
    expect(size).toBeGreaterThan(2); // after num, num__missing and the date's parts
    expect(color).toBeGreaterThan(size + 1); // after flag and the text's buckets
    // size: l, m, s, xl kept, then OTHER; color: blue, green, red, then OTHER
    expect(cats[size]).toBe(5);
    expect(cats[color]).toBe(4);
    expect(cats.filter((c) => c !== null)).toHaveLength(2);
    // the matrix holds the codes themselves: 0..n-1, and -1 where the cell had no category
    const codes = column(train, size);
    expect(new Set(codes)).toEqual(new Set([-1, 0, 1, 2, 3, 4]));
    expect(codes[5]).toBe(4); // xxl is rare: OTHER, the last code
    expect(codes[13]).toBe(-1);
    const valid = column(transform(state, table), color);
    expect(valid.every((v) => Number.isInteger(v) && v >= 0 && v < 4)).toBe(true);
  });

  it("marks nothing where the codes are scaled (standard, robust) or the encoding is not ordinal", () => {
    for (const options of [
      { encoding: "ordinal", scaling: "standard" },
      { encoding: "ordinal", scaling: "robust" },
      { encoding: "onehot", scaling: "none" },
    ] as const) {
      const { state } = fitted(options);
      const cats = categoricalColumns(state, everything(state.featureNames));
      expect(cats).toEqual(new Array(state.featureNames.length).fill(null));
    }
  });

  it("follows the feature selection's kept columns", () => {
    const { state } = fitted({ encoding: "ordinal", scaling: "none" });
    const names = state.featureNames;
    const size = names.indexOf("size");
    const color = names.indexOf("color");
    const kept = [0, color, names.length - 1].sort((a, b) => a - b);
    expect(categoricalColumns(state, selection(names, kept))).toEqual(kept.map((j) => (j === color ? 4 : null)));
    expect(categoricalColumns(state, selection(names, [size]))).toEqual([5]);
    expect(() => categoricalColumns(state, selection(names.slice(1), [0]))).toThrow(/selection was fitted on/);
  });
});
