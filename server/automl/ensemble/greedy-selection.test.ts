import { describe, expect, it } from "vitest";
import { crossFittedEnsemble, greedyEnsemble } from "./greedy-selection";

// a regression target and three candidates: two with opposite errors (their average is exact), one a little off
const y = Float32Array.from([1, 2, 3, 4, 5, 6]);
const rmse = (pred: Float32Array) => Math.sqrt(pred.reduce((a, p, i) => a + (p - y[i]) ** 2, 0) / y.length);
const over = { id: "over", pred: y.map((v, i) => v + (i % 2 ? 0.6 : 0.4)) };
const under = { id: "under", pred: y.map((v, i) => v - (i % 2 ? 0.6 : 0.4)) };
const close = { id: "close", pred: y.map((v) => v + 0.3) };

describe("greedyEnsemble", () => {
  it("starts from the best single candidate and adds what complements it", () => {
    const e = greedyEnsemble([over, under, close], rmse, "minimize", 10);
    expect(e.history[0]).toBeCloseTo(0.3, 6);
    // close + over + under averages to y + 0.1; then more of over and under pull it to y exactly
    expect(e.score).toBeLessThan(0.1 + 1e-6);
    expect(e.score).toBeLessThan(e.history[0]);
    expect([...e.weights.values()].reduce((a, w) => a + w, 0)).toBeCloseTo(1, 12);
    // the two with opposite errors both join
    expect(e.weights.get("over")).toBeGreaterThan(0);
    expect(e.weights.get("under")).toBeGreaterThan(0);
  });

  it("never ends worse than its best round, and a lone candidate is the whole ensemble", () => {
    const e = greedyEnsemble([close, { id: "bad", pred: y.map((v) => v + 5) }], rmse, "minimize", 5);
    expect(e.weights).toEqual(new Map([["close", 1]]));
    expect(e.score).toBeCloseTo(0.3, 6);
    expect(e.history).toHaveLength(5);
  });

  it("maximises a score in the other direction, and refuses mismatched predictions", () => {
    const accuracy = (pred: Float32Array) => pred.filter((p, i) => Math.round(p) === y[i]).length / y.length;
    expect(greedyEnsemble([over, under], accuracy, "maximize", 4).score).toBe(1);
    expect(() => greedyEnsemble([over, { id: "short", pred: new Float32Array(3) }], rmse, "minimize")).toThrow("ensemble: candidate short has 3 predictions, the first has 6");
    expect(() => greedyEnsemble([], rmse, "minimize")).toThrow("no candidates");
  });
});

describe("crossFittedEnsemble", () => {
  const rmseOn = (y: Float32Array) => (rows: readonly number[]) => (pred: Float32Array) => Math.sqrt(rows.reduce((a, r, i) => a + (pred[i] - y[r]) ** 2, 0) / rows.length);
  const folds = [
    [0, 1, 2, 3, 4],
    [5, 6, 7, 8, 9],
  ];

  it("predicts each fold by the ensemble chosen on the others, so luck on the rows it chose on is not scored", () => {
    // every target is 0; each candidate is right on one fold and wrong on the other
    const y = new Float32Array(10);
    const a = Float32Array.from({ length: 10 }, (_, r) => (r < 5 ? 0 : 1));
    const b = Float32Array.from({ length: 10 }, (_, r) => (r < 5 ? 1 : 0));
    const candidates = [
      { id: "a", pred: a },
      { id: "b", pred: b },
    ];
    const all = Array.from({ length: 10 }, (_, r) => r);
    // chosen and scored on every row, the half-and-half mix looks twice as good as either
    expect(greedyEnsemble(candidates, rmseOn(y)(all), "minimize").score).toBeCloseTo(0.5, 6);
    // each fold is predicted by the candidate that was right on the other fold: wrong everywhere
    const oof = crossFittedEnsemble(candidates, 1, folds, rmseOn(y), "minimize");
    expect(Array.from(oof)).toEqual(Array(10).fill(1));
  });

  it("gives a lone candidate's own predictions, row by row and class by class", () => {
    const pred = Float32Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? i / 40 : 1 - (i - 1) / 40));
    const oof = crossFittedEnsemble([{ id: "only", pred }], 2, folds, () => (p) => p[0], "maximize");
    expect(Array.from(oof)).toEqual(Array.from(pred));
  });
});
