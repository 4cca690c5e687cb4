import { describe, expect, it } from "vitest";
import type { Matrix } from "../../models/family";
import { createRng } from "../rng";
import { permutationImportance } from "./permutation-importance";

/** rows x 4 standard normal columns; column 2 is a copy of column 1 */
function data(rows: number, seed: number): { x: Matrix; y: Float32Array } {
  const rng = createRng(seed);
  const cols = 4;
  const x = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) x[i * cols + j] = rng.normal();
    x[i * cols + 2] = x[i * cols + 1];
    y[i] = 3 * x[i * cols] + 0.1 * rng.normal();
  }
  return { x: { rows, cols, data: x }, y };
}

/** uses column 0 strongly, column 3 weakly, and columns 1 and 2 only as their difference (0 while they agree) */
const predict = (x: Matrix) => Float32Array.from({ length: x.rows }, (_, i) => 3 * x.data[i * x.cols] + 0.5 * x.data[i * x.cols + 3] + 5 * (x.data[i * x.cols + 1] - x.data[i * x.cols + 2]));
const rmse = (pred: Float32Array, y: Float32Array) => Math.sqrt(pred.reduce((s, p, i) => s + (p - y[i]) ** 2, 0) / y.length);
const groups = [
  { name: "twins", cols: [1, 2] },
  { name: "weak", cols: [3] },
  { name: "strong", cols: [0] },
];

describe("permutation importance", () => {
  it("ranks the groups by the rise of an error (lower is better), permuting a group's columns together", () => {
    const { x, y } = data(1000, 1);
    const r = permutationImportance({ predict, x, y, groups, scoreOf: rmse, greaterIsBetter: false, seed: 7 });
    expect(r.importance.map((g) => g.name)).toEqual(["strong", "weak", "twins"]);
    expect(r.baseline).toBeCloseTo(rmse(predict(x), y), 10);
    expect(r.importance[0].mean).toBeGreaterThan(3); // shuffling a unit-variance input of weight 3: error ~ 3 * sqrt(2)
    expect(r.importance[1].mean).toBeGreaterThan(0);
    // the twins move together: their difference stays 0, so shuffling them changes nothing
    expect(r.importance[2]).toEqual({ name: "twins", mean: 0, std: 0 });
    expect(r.importance[0].std).toBeGreaterThan(0);
    expect(r).toMatchObject({ rowsUsed: 1000, repeats: 5 });
  });

  it("signs the drop of a score where higher is better, so that positive still means the feature helps", () => {
    const { x, y } = data(500, 2);
    const neg = permutationImportance({ predict, x, y, groups, scoreOf: (p, t) => -rmse(p, t), greaterIsBetter: true, seed: 7 });
    const pos = permutationImportance({ predict, x, y, groups, scoreOf: rmse, greaterIsBetter: false, seed: 7 });
    expect(neg.importance.map((g) => g.mean)).toEqual(pos.importance.map((g) => g.mean));
    expect(neg.importance[0].mean).toBeGreaterThan(0);
  });

  it("is deterministic for a seed, and samples at most maxRows rows (scoreOf gets their truth)", () => {
    const { x, y } = data(3000, 3);
    const seen: number[] = [];
    const scoreOf = (p: Float32Array, t: Float32Array) => {
      seen.push(t.length);
      expect(p.length).toBe(t.length);
      return rmse(p, t);
    };
    const a = permutationImportance({ predict, x, y, groups, scoreOf, greaterIsBetter: false, seed: 11, maxRows: 800, repeats: 3 });
    const b = permutationImportance({ predict, x, y, groups, scoreOf: rmse, greaterIsBetter: false, seed: 11, maxRows: 800, repeats: 3 });
    const c = permutationImportance({ predict, x, y, groups, scoreOf: rmse, greaterIsBetter: false, seed: 12, maxRows: 800, repeats: 3 });
    expect(a).toEqual(b);
    expect(a.importance[0].mean).not.toBe(c.importance[0].mean);
    expect(a.rowsUsed).toBe(800);
    expect(new Set(seen)).toEqual(new Set([800]));
    expect(seen).toHaveLength(1 + 3 * groups.length);
  });

  it("predicts each group's repeats in one call, with the same row permutation over the group's columns", () => {
    const { x, y } = data(200, 4);
    const calls: number[] = [];
    const spy = (m: Matrix) => {
      calls.push(m.rows);
      // the twins must stay equal in every shuffled copy
      for (let i = 0; i < m.rows; i++) expect(m.data[i * m.cols + 1]).toBe(m.data[i * m.cols + 2]);
      return predict(m);
    };
    permutationImportance({ predict: spy, x, y, groups, scoreOf: rmse, greaterIsBetter: false, seed: 1 });
    expect(calls).toEqual([200, 1000, 1000, 1000]);
  });

  it("rejects columns outside the matrix and mismatched targets", () => {
    const { x, y } = data(10, 5);
    expect(() => permutationImportance({ predict, x, y, groups: [{ name: "bad", cols: [4] }], scoreOf: rmse, greaterIsBetter: false, seed: 1 })).toThrow(/outside/);
    expect(() => permutationImportance({ predict, x, y: y.subarray(1), groups, scoreOf: rmse, greaterIsBetter: false, seed: 1 })).toThrow(/targets/);
  });
});
