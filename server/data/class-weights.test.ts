import { describe, expect, it } from "vitest";
import type { Task } from "../models/family";
import { sampleWeights } from "./class-weights";

const binary: Task = { type: "binary", classes: ["no", "yes"] };
const multiclass: Task = { type: "multiclass", classes: ["a", "b", "c", "d"] };

describe("sampleWeights", () => {
  it('"balanced" gives n / (k * n_c), as scikit-learn', () => {
    // 8 rows: 6 of class 0, 2 of class 1 -> 8/(2*6) and 8/(2*2)
    const w = sampleWeights(Float32Array.from([0, 0, 1, 0, 0, 1, 0, 0]), binary, "balanced")!;
    expect(Array.from(w)).toEqual([2 / 3, 2 / 3, 2, 2 / 3, 2 / 3, 2, 2 / 3, 2 / 3].map(Math.fround));
  });

  it("counts only the classes present, so every class weighs the same and the weights average 1", () => {
    // class 3 never occurs: k = 3, not 4
    const y = Float32Array.from([0, 0, 0, 0, 0, 0, 1, 1, 1, 2]);
    const w = sampleWeights(y, multiclass, "balanced")!;
    const total = [0, 0, 0];
    y.forEach((c, i) => (total[c] += w[i]));
    for (const t of total) expect(t).toBeCloseTo(10 / 3, 5);
    expect(w.reduce((a, b) => a + b, 0) / w.length).toBeCloseTo(1, 5);
  });

  it('"none" and regression give no weights', () => {
    expect(sampleWeights(Float32Array.from([0, 1]), binary, "none")).toBeUndefined();
    expect(sampleWeights(Float32Array.from([1.5, 2]), { type: "regression", classes: [] }, "balanced")).toBeUndefined();
  });

  it("rejects a label that is not a class code", () => {
    expect(() => sampleWeights(Float32Array.from([0, 4]), multiclass, "balanced")).toThrow(/class code 4/);
    expect(() => sampleWeights(Float32Array.from([0, 0.5]), binary, "balanced")).toThrow(/class code 0.5/);
  });
});
