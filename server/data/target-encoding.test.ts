import { describe, expect, it } from "vitest";
import type { Task } from "../models/family";
import { TARGET_FOLDS, TARGET_SMOOTHING, assignFolds, fitTargetEncoding } from "./target-encoding";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const m = TARGET_SMOOTHING;

describe("assignFolds", () => {
  it("deals rows into folds of equal size, the same for the same seed", () => {
    const folds = assignFolds(23, TARGET_FOLDS, 7);
    const sizes = Array.from({ length: TARGET_FOLDS }, (_, f) => folds.filter((g) => g === f).length);
    expect(sizes.sort()).toEqual([4, 4, 5, 5, 5]);
    expect(assignFolds(23, TARGET_FOLDS, 7)).toEqual(folds);
    expect(assignFolds(23, TARGET_FOLDS, 8)).not.toEqual(folds);
  });
});

describe("fitTargetEncoding", () => {
  it("blends each category's rate with the prior by the m-estimate; a missing cell is a category of its own", () => {
    const keys = ["a", "a", "a", "a", "b", "b", null, null];
    const y = [1, 1, 1, 0, 0, 0, 1, 1];
    const enc = fitTargetEncoding(keys, y, binary, 1);
    const prior = 5 / 8;
    expect(enc.outputs).toEqual([null]);
    expect(enc.categories).toEqual(["a", "b"]);
    expect(enc.prior[0]).toBeCloseTo(prior, 12);
    expect(enc.values[0][0]).toBeCloseTo((3 + m * prior) / (4 + m), 12);
    expect(enc.values[1][0]).toBeCloseTo((0 + m * prior) / (2 + m), 12);
    expect(enc.missing[0]).toBeCloseTo((2 + m * prior) / (2 + m), 12);
  });

  it("encodes each training row with the other folds' statistics only", () => {
    const n = 40;
    const keys = Array.from({ length: n }, (_, i) => (i % 2 ? "odd" : "even"));
    const y = Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const enc = fitTargetEncoding(keys, y, { type: "regression", classes: [] }, 5);
    const folds = assignFolds(n, TARGET_FOLDS, 5);
    const prior = y.reduce((a, b) => a + b, 0) / n;
    for (let i = 0; i < n; i++) {
      const others = y.filter((_, j) => keys[j] === keys[i] && folds[j] !== folds[i]);
      const expected = (others.reduce((a, b) => a + b, 0) + m * prior) / (others.length + m);
      expect(enc.train[i]).toBeCloseTo(expected, 12);
    }
  });

  it("multiclass: one output per class; a category's probabilities sum to 1", () => {
    const task: Task = { type: "multiclass", classes: ["r", "g", "b"] };
    const enc = fitTargetEncoding(["x", "x", "y", "y", "y"], [0, 1, 2, 2, 1], task, 2);
    expect(enc.outputs).toEqual(["r", "g", "b"]);
    for (const v of [...enc.values, enc.prior, enc.missing]) expect(v.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(enc.train).toHaveLength(15);
  });

  it("refuses a label that is not a class code", () => {
    expect(() => fitTargetEncoding(["a", "b"], [0, NaN], binary, 1)).toThrow(/label/);
    expect(() => fitTargetEncoding(["a", "b"], [0, 3], { type: "multiclass", classes: ["p", "q", "r"] }, 1)).toThrow(/class code/);
  });
});
