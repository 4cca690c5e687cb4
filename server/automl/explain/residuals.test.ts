import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { residualSummary } from "./residuals";

describe("residual summary", () => {
  it("samples at most 500 points in row order, deterministically, and summarises every row", () => {
    const rng = createRng(1);
    const n = 2000;
    const predicted = Float64Array.from({ length: n }, () => rng.normal(10, 3));
    // the model under-predicts high values: the residual grows with the prediction
    const actual = Float64Array.from(predicted, (p) => p + 0.5 * (p - 10) + 0.1 * rng.normal());
    const a = residualSummary(actual, predicted, { seed: 5 });
    expect(a).toEqual(residualSummary(actual, predicted, { seed: 5 }));
    expect(a.points).toHaveLength(500);
    expect(a.points).not.toEqual(residualSummary(actual, predicted, { seed: 6 }).points);
    for (const p of a.points) expect(p.residual).toBeCloseTo(p.actual - p.predicted, 12);
    const rows = a.points.map((p) => predicted.indexOf(p.predicted));
    expect(rows).toEqual([...rows].sort((x, y) => x - y));

    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      sum += actual[i] - predicted[i];
      sq += (actual[i] - predicted[i]) ** 2;
    }
    expect(a.rows).toBe(n);
    expect(a.meanResidual).toBeCloseTo(sum / n, 10);
    expect(a.rmse).toBeCloseTo(Math.sqrt(sq / n), 10);

    expect(a.bins).toHaveLength(10);
    expect(a.bins.reduce((s, b) => s + b.count, 0)).toBe(n);
    expect(a.bins.every((b) => b.count === 200 && b.predictedLow <= b.predictedHigh)).toBe(true);
    for (let b = 1; b < 10; b++) {
      expect(a.bins[b].predictedLow).toBeGreaterThanOrEqual(a.bins[b - 1].predictedHigh);
      expect(a.bins[b].meanResidual).toBeGreaterThan(a.bins[b - 1].meanResidual);
    }
    expect(a.bins[0].meanResidual).toBeLessThan(0);
    expect(a.bins[9].meanResidual).toBeGreaterThan(0);
  });

  it("keeps every row of a small set, and makes no more bins than rows", () => {
    const s = residualSummary([1, 2, 4], [1, 1, 1], { seed: 0 });
    expect(s.points).toEqual([
      { predicted: 1, actual: 1, residual: 0 },
      { predicted: 1, actual: 2, residual: 1 },
      { predicted: 1, actual: 4, residual: 3 },
    ]);
    expect(s.bins).toHaveLength(3);
    expect(s.meanResidual).toBeCloseTo(4 / 3, 12);
    expect(residualSummary([], [], { seed: 0 })).toMatchObject({ points: [], bins: [], rows: 0 });
  });
});
