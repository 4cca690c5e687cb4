import { describe, expect, it } from "vitest";
import { DataError } from "./data-error";
import { Folds, makeFolds, SplitFolds } from "./folds";
import { encodeLabel } from "./label";
import { parseCsvFile } from "./parse-csv";
import { makeSplit } from "./split";
import { dataset } from "./test-helpers";

const sorted = (rows: ArrayLike<number>) => Array.from(rows).sort((a, b) => a - b);

/** every row in exactly one fold, each fold ascending */
function expectPartition(folds: number[][], rows: ArrayLike<number>) {
  expect(sorted(folds.flat())).toEqual(sorted(rows));
  for (const fold of folds) expect(fold).toEqual(sorted(fold));
}

describe("makeFolds", () => {
  it("stratifies credit-g's non-test rows: each class within one row of its share in every fold", async () => {
    const { y, rowsWithLabel } = encodeLabel(await parseCsvFile(dataset("credit-g.csv")), "class", "binary");
    const split = makeSplit({ y, rows: rowsWithLabel, problemType: "binary", seed: 4, validFraction: 0 });
    const folds = makeFolds({ y, rows: split.train, problemType: "binary", seed: 4, k: 5 });
    expect(folds.length).toBe(5);
    expectPartition(folds, split.train);
    for (const c of [0, 1]) {
      const share = split.train.filter((r) => y[r] === c).length / 5;
      for (const fold of folds) expect(Math.abs(fold.filter((r) => y[r] === c).length - share)).toBeLessThan(1);
    }
    const sizes = folds.map((f) => f.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it("keeps shuttle's rare classes spread: within one row of the share in every fold", async () => {
    const { y, classes, rowsWithLabel } = encodeLabel(await parseCsvFile(dataset("shuttle.csv")), "Class", "multiclass");
    const folds = makeFolds({ y, rows: rowsWithLabel, problemType: "multiclass", seed: 1, k: 5 });
    expectPartition(folds, rowsWithLabel);
    for (let c = 0; c < classes.length; c++) {
      const share = Array.from(rowsWithLabel).filter((r) => y[r] === c).length / 5;
      for (const fold of folds) expect(Math.abs(fold.filter((r) => y[r] === c).length - share)).toBeLessThan(1);
    }
  });

  it("cuts regression rows into near-equal folds (cars)", async () => {
    const { y, rowsWithLabel } = encodeLabel(await parseCsvFile(dataset("cars.csv")), "Miles_per_Gallon", "regression");
    const folds = makeFolds({ y, rows: rowsWithLabel, problemType: "regression", seed: 3, k: 10 });
    expectPartition(folds, rowsWithLabel);
    expect(folds.map((f) => f.length).sort()).toEqual([39, 39, 40, 40, 40, 40, 40, 40, 40, 40]);
  });

  it("keeps each car name in one fold and balances fold sizes (cars)", async () => {
    const cars = await parseCsvFile(dataset("cars.csv"));
    const { y, rowsWithLabel } = encodeLabel(cars, "Miles_per_Gallon", "regression");
    const name = cars.columns.find((c) => c.name === "Name")!;
    if (name.kind !== "string") throw new Error("Name should be text");
    const folds = makeFolds({ y, rows: rowsWithLabel, problemType: "regression", seed: 3, k: 5, groups: name.codes });
    expectPartition(folds, rowsWithLabel);
    const foldOf = new Map<number, number>();
    folds.forEach((fold, f) =>
      fold.forEach((r) => {
        expect(foldOf.get(name.codes[r]) ?? f).toBe(f);
        foldOf.set(name.codes[r], f);
      }),
    );
    const sizes = folds.map((f) => f.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it("is seeded, free of the caller's row order, and draws apart from the split", () => {
    const y = Float32Array.from({ length: 100 }, (_, i) => i % 3);
    const rows = Array.from({ length: 100 }, (_, i) => i);
    const a = makeFolds({ y, rows, problemType: "multiclass", seed: 6, k: 4 });
    expect(makeFolds({ y, rows: [...rows].reverse(), problemType: "multiclass", seed: 6, k: 4 })).toEqual(a);
    expect(makeFolds({ y, rows, problemType: "multiclass", seed: 7, k: 4 })).not.toEqual(a);
    // a split with validFraction 0 on the same seed shuffles from another stream: its test rows aren't fold 0
    expect(makeSplit({ y, rows, problemType: "multiclass", seed: 6, validFraction: 0, testFraction: 0.25 }).test).not.toEqual(a[0]);
  });

  it("treats each row with a missing group as its own group", () => {
    const y = new Float32Array(7);
    const groups = Int32Array.from([-1, -1, -1, -1, 4, 4, 4]);
    const folds = makeFolds({ y, rows: [0, 1, 2, 3, 4, 5, 6], problemType: "regression", seed: 0, k: 3, groups });
    // the group of 3 fills one fold; the 4 rows without a group are shared out two and two
    expect(folds.find((f) => f.includes(4))).toEqual([4, 5, 6]);
    expect(folds.map((f) => f.length).sort()).toEqual([2, 2, 3]);
  });

  it("says why it can't fold: k below 2, fewer rows or groups than folds", () => {
    const y = new Float32Array(4);
    const rows = [0, 1, 2, 3];
    expect(() => makeFolds({ y, rows, problemType: "regression", seed: 0, k: 1 })).toThrow("k must be an integer of 2 or more, got 1");
    expect(() => makeFolds({ y, rows, problemType: "regression", seed: 0, k: 5 })).toThrow(DataError);
    expect(() => makeFolds({ y, rows, problemType: "regression", seed: 0, k: 5 })).toThrow("4 rows can't make 5 folds");
    const groups = Int32Array.from([0, 0, 1, 1]);
    expect(() => makeFolds({ y, rows, problemType: "regression", seed: 0, k: 3, groups })).toThrow("2 groups can't make 3 folds");
  });
});

describe("the stored folds", () => {
  it("accept fold lists and reject what a fold can't be", () => {
    expect(SplitFolds.parse({ folds: [[0, 2], [1, 3]] })).toEqual({ folds: [[0, 2], [1, 3]] });
    expect(SplitFolds.parse({})).toEqual({});
    expect(Folds.safeParse([[0, 1]]).success).toBe(false);
    expect(Folds.safeParse([[0, 1.5], [2]]).success).toBe(false);
    expect(Folds.safeParse([[-1], [2]]).success).toBe(false);
  });
});
