import { describe, expect, it } from "vitest";
import type { InferredType } from "../../data/infer-types";
import { fitTransform, type PreprocessorState } from "../../data/preprocess";
import { fitSelection, SelectionState } from "../../data/selection/select";
import type { Table } from "../../data/table";
import { TEXT_BUCKETS } from "../../data/text-hashing";
import type { Task } from "../../models/family";
import { featureGroups } from "./feature-groups";

const n = 40;
const DAY = 86_400_000;
const words = ["red apple pie", "green pear tart", "blue plum jam", "a long walk home"];
const table: Table = {
  rowCount: n,
  columns: [
    { name: "amount", kind: "number", values: Float64Array.from({ length: n }, (_, i) => (i % 7 === 3 ? NaN : i * 1.5)) },
    { name: "color", kind: "string", categories: ["red", "green", "blue"], codes: Int32Array.from({ length: n }, (_, i) => i % 3) },
    { name: "member", kind: "string", categories: ["No", "Yes"], codes: Int32Array.from({ length: n }, (_, i) => (i * 7) % 2) },
    { name: "id", kind: "string", categories: Array.from({ length: n }, (_, i) => `r${i}`), codes: Int32Array.from({ length: n }, (_, i) => i) },
    { name: "when", kind: "number", values: Float64Array.from({ length: n }, (_, i) => (i === 5 ? NaN : Date.UTC(2024, 0, 1) + i * 37 * DAY)) },
    { name: "notes", kind: "string", categories: words, codes: Int32Array.from({ length: n }, (_, i) => i % 4) },
    { name: "y", kind: "number", values: Float64Array.from({ length: n }, (_, i) => i % 2) },
  ],
};
const types: InferredType[] = [
  { name: "amount", type: "numeric", reason: "" },
  { name: "color", type: "categorical", reason: "" },
  { name: "member", type: "boolean", reason: "" },
  { name: "id", type: "identifier", reason: "" },
  { name: "when", type: "datetime", reason: "" },
  { name: "notes", type: "text", reason: "" },
  { name: "y", type: "boolean", reason: "" },
];
const task: Task = { type: "binary", classes: ["0", "1"] };
const y = Float32Array.from({ length: n }, (_, i) => i % 2);
const trainRows = Array.from({ length: n }, (_, i) => i);

/** the names of the matrix columns of a group: its source column's outputs */
const belongs = (source: string, feature: string) => feature === source || /^[=.#_]/.test(feature.slice(source.length)) && feature.startsWith(source);

describe("feature groups", () => {
  for (const encoding of ["onehot", "ordinal"] as const) {
    it(`maps every preprocessed column to its source column (${encoding}, no selection)`, () => {
      const { state, train } = fitTransform(table, types, { label: "y", trainRows, options: { encoding } });
      const groups = featureGroups(state, null);
      expect(groups.map((g) => g.name)).toEqual(["amount", "color", "member", "when", "notes"]);
      expect(groups.flatMap((g) => g.cols)).toEqual(Array.from({ length: train.cols }, (_, j) => j));
      for (const g of groups) for (const c of g.cols) expect(belongs(g.name, state.featureNames[c])).toBe(true);
      const sizes = Object.fromEntries(groups.map((g) => [g.name, g.cols.length]));
      expect(sizes).toEqual({ amount: 2, color: encoding === "onehot" ? 4 : 1, member: 1, when: state.featureNames.filter((f) => f.startsWith("when")).length, notes: TEXT_BUCKETS });
      expect(sizes.when).toBeGreaterThanOrEqual(3); // calendar parts and the missing indicator
    });
  }

  it("target encoding: a high-cardinality column's outputs form one group", () => {
    const many: Table = {
      rowCount: n,
      columns: [
        { name: "city", kind: "string", categories: Array.from({ length: 12 }, (_, i) => `c${i}`), codes: Int32Array.from({ length: n }, (_, i) => i % 12) },
        table.columns[0],
        table.columns[6],
      ],
    };
    const mc: Task = { type: "multiclass", classes: ["a", "b", "c"] };
    const y3 = Float32Array.from({ length: n }, (_, i) => i % 3);
    const t = [{ name: "city", type: "categorical" as const, reason: "" }, types[0], { name: "y", type: "categorical" as const, reason: "" }];
    const { state } = fitTransform(many, t, { label: "y", trainRows, options: { encoding: "target" }, target: { y: y3, task: mc } });
    expect(featureGroups(state, null)).toEqual([
      { name: "city", cols: [0, 1, 2] },
      { name: "amount", cols: [3, 4] },
    ]);
  });

  it("follows feature selection: model columns are the kept ones, renumbered; a source with none kept is left out", () => {
    const { state, train } = fitTransform(table, types, { label: "y", trainRows });
    const none = fitSelection({ x: train, y, task, featureNames: state.featureNames, method: "none", seed: 1 });
    expect(featureGroups(state, none)).toEqual(featureGroups(state, null));

    const keptNames = ["amount", "color=green", `color=__other__`, "member"];
    const kept = keptNames.map((f) => state.featureNames.indexOf(f)).sort((a, b) => a - b);
    const selection = SelectionState.parse({
      ...none,
      method: "mutual_info",
      features: none.features.map((f, j) => ({ ...f, kept: kept.includes(j), reason: kept.includes(j) ? null : "test" })),
      kept,
      keptNames: kept.map((j) => state.featureNames[j]),
    });
    const groups = featureGroups(state, selection);
    expect(groups).toEqual([
      { name: "amount", cols: [0] },
      { name: "color", cols: [1, 2] },
      { name: "member", cols: [3] },
    ]);
    expect(() => featureGroups(state, { ...selection, features: selection.features.slice(1) })).toThrow(/fitted on/);
  });

  it("reads version 1 states (one-hot categories, no text)", () => {
    const v1: PreprocessorState = {
      version: 1,
      label: "y",
      columns: [
        { kind: "numeric", name: "a", median: 0, mean: 0, std: 1, missingIndicator: true },
        { kind: "categorical", name: "c", categories: ["x", "y"], minCount: 2 },
        { kind: "dropped", name: "id", reason: "identifier" },
        { kind: "datetime", name: "d", origin: 0, parts: [{ part: "year", median: 0, mean: 0, std: 1 }], missingIndicator: false },
      ],
      featureNames: ["a", "a__missing", "c=x", "c=y", "c=__other__", "d.year"],
    };
    expect(featureGroups(v1, null)).toEqual([
      { name: "a", cols: [0, 1] },
      { name: "c", cols: [2, 3, 4] },
      { name: "d", cols: [5] },
    ]);
    expect(() => featureGroups({ ...v1, featureNames: v1.featureNames.slice(1) }, null)).toThrow(/account for 6/);
  });
});
