import { describe, expect, it } from "vitest";
import { encodeLabel } from "./label";
import { parseCsvFile } from "./parse-csv";
import { makeSplit } from "./split";
import { dataset } from "./test-helpers";

const counts = (y: Float32Array, rows: number[], k: number) => {
  const c = new Array(k).fill(0);
  for (const r of rows) c[y[r]]++;
  return c;
};

describe("makeSplit", () => {
  it("stratifies shuttle: every class with 3+ rows in every part, proportions kept", async () => {
    const table = await parseCsvFile(dataset("shuttle.csv"));
    const { y, classes, rowsWithLabel } = encodeLabel(table, "Class", "multiclass");
    const split = makeSplit({ y, rows: rowsWithLabel, problemType: "multiclass", seed: 1 });
    const all = counts(y, Array.from(rowsWithLabel), classes.length);
    const parts = [split.train, split.valid, split.test].map((p) => counts(y, p, classes.length));
    all.forEach((n, c) => {
      if (n >= 3) for (const p of parts) expect(p[c]).toBeGreaterThan(0);
      expect(Math.abs(parts[2][c] - n * 0.2)).toBeLessThanOrEqual(1);
    });
    expect(split.train.length + split.valid.length + split.test.length).toBe(58000);
    expect(new Set([...split.train, ...split.valid, ...split.test]).size).toBe(58000);
    for (const p of [split.train, split.valid, split.test]) expect(p).toEqual([...p].sort((a, b) => a - b));
  });

  it("is deterministic for a seed and changes with it (credit-g)", async () => {
    const table = await parseCsvFile(dataset("credit-g.csv"));
    const { y, rowsWithLabel } = encodeLabel(table, "class", "binary");
    const a = makeSplit({ y, rows: rowsWithLabel, problemType: "binary", seed: 7 });
    const b = makeSplit({ y, rows: Array.from(rowsWithLabel).reverse(), problemType: "binary", seed: 7 });
    const c = makeSplit({ y, rows: rowsWithLabel, problemType: "binary", seed: 8 });
    expect(b).toEqual(a);
    expect(c.test).not.toEqual(a.test);
    expect([a.train.length, a.valid.length, a.test.length]).toEqual([600, 200, 200]);
    // good:bad is 700:300 in credit-g
    expect(counts(y, a.test, 2).sort()).toEqual([140, 60].sort());
  });

  it("splits regression rows with labels only (cars)", async () => {
    const table = await parseCsvFile(dataset("cars.csv"));
    const { y, rowsWithLabel } = encodeLabel(table, "Miles_per_Gallon", "regression");
    const s = makeSplit({ y, rows: rowsWithLabel, problemType: "regression", seed: 3, testFraction: 0.25, validFraction: 0.25 });
    const all = [...s.train, ...s.valid, ...s.test];
    expect(all.length).toBe(398);
    expect(all.every((r) => !Number.isNaN(y[r]))).toBe(true);
    expect(s.test.length).toBe(Math.round(398 * 0.25));
  });

  it("keeps tiny classes: 3 rows give one to each part, 1 row goes to train", () => {
    const y = Float32Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2]);
    const rows = y.map((_, i) => i);
    const s = makeSplit({ y, rows, problemType: "multiclass", seed: 0 });
    expect(counts(y, s.test, 3)).toEqual([1, 1, 0]);
    expect(counts(y, s.valid, 3)).toEqual([1, 1, 0]);
    expect(counts(y, s.train, 3)).toEqual([1, 5, 1]);
  });
});
