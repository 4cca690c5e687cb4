import { describe, expect, it } from "vitest";
import { score } from "../../automl/estimation/metrics";
import { createRng } from "../../automl/rng";
import type { Matrix } from "../../models/family";
import { coefficientImportance, fitL1Linear, predictL1 } from "./l1-linear";
import { BINARY, MULTICLASS, REGRESSION, synthetic, takeRows } from "./test-data";

function linearData(rows: number, weights: number[], noiseSd: number, seed: number): { x: Matrix; y: Float32Array } {
  const rng = createRng(seed);
  const p = weights.length;
  const data = new Float32Array(rows * p);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 3; // intercept
    for (let j = 0; j < p; j++) {
      const v = rng.normal(j, 1 + j); // features on different scales and offsets
      data[i * p + j] = v;
      s += weights[j] * v;
    }
    y[i] = s + rng.normal(0, noiseSd);
  }
  return { x: { rows, cols: p, data }, y };
}

describe("fitL1Linear", () => {
  it("lasso at a tiny lambda recovers least squares on raw features", () => {
    const weights = [2, -1, 0.5, 0, 0];
    const d = linearData(2000, weights, 0.1, 1);
    const m = fitL1Linear(d.x, d.y, REGRESSION, { seed: 1, lambda: 1e-6, tol: 1e-9, maxSweeps: 2000 });
    weights.forEach((w, j) => expect(m.rawCoef[0][j]).toBeCloseTo(w, 2));
    expect(m.rawIntercept[0]).toBeCloseTo(3, 1);
    const pred = predictL1(m, d.x);
    expect(score("r2", REGRESSION, d.y, pred)).toBeGreaterThan(0.99);
  });

  it("keeps every coefficient at 0 at lambda_max and above", () => {
    const d = linearData(300, [1, -1, 0.5], 1, 2);
    const probe = fitL1Linear(d.x, d.y, REGRESSION, { seed: 1, lambda: 1e-3 });
    const atMax = fitL1Linear(d.x, d.y, REGRESSION, { seed: 1, lambda: probe.lambdaMax[0] * 1.0001 });
    expect(Array.from(coefficientImportance(atMax)).every((c) => c === 0)).toBe(true);
    const below = fitL1Linear(d.x, d.y, REGRESSION, { seed: 1, lambda: probe.lambdaMax[0] * 0.9 });
    expect(Array.from(coefficientImportance(below)).filter((c) => c !== 0).length).toBe(1);
  });

  it("binary: chooses a sparse lambda on held-out training rows and predicts well out of sample", () => {
    const d = synthetic({ rows: 1600, informative: 5, noise: 40, task: BINARY, seed: 7 });
    const idx = Array.from({ length: 1600 }, (_, i) => i);
    const train = takeRows(d.x, d.y, idx.slice(0, 1200));
    const test = takeRows(d.x, d.y, idx.slice(1200));
    const m = fitL1Linear(train.x, train.y, BINARY, { seed: 3 });
    expect(m.path[0].length).toBeGreaterThan(3);
    expect(m.lambda[0]).toBeLessThan(m.lambdaMax[0]);
    const nonZero = Array.from(coefficientImportance(m)).flatMap((c, j) => (c !== 0 ? [j] : []));
    for (const j of d.informative) expect(nonZero).toContain(j);
    expect(nonZero.length).toBeLessThanOrEqual(10);
    const pred = predictL1(m, test.x);
    for (let i = 0; i < test.x.rows; i++) expect(pred[2 * i] + pred[2 * i + 1]).toBeCloseTo(1, 6);
    expect(score("auc", BINARY, test.y, pred)).toBeGreaterThan(0.8);
    // the "min" rule keeps at least as many features as "1se"
    const loose = fitL1Linear(train.x, train.y, BINARY, { seed: 3, rule: "min" });
    expect(Array.from(coefficientImportance(loose)).filter((c) => c !== 0).length).toBeGreaterThanOrEqual(nonZero.length);
  });

  it("multiclass: one-vs-rest probabilities that sum to 1 and beat chance", () => {
    const d = synthetic({ rows: 900, informative: 3, noise: 10, task: MULTICLASS, seed: 8 });
    const idx = Array.from({ length: 900 }, (_, i) => i);
    const train = takeRows(d.x, d.y, idx.slice(0, 600));
    const test = takeRows(d.x, d.y, idx.slice(600));
    const m = fitL1Linear(train.x, train.y, MULTICLASS, { seed: 1 });
    expect(m.outputs).toBe(3);
    expect(m.lambda).toHaveLength(3);
    const pred = predictL1(m, test.x);
    for (let i = 0; i < test.x.rows; i++) expect(pred[3 * i] + pred[3 * i + 1] + pred[3 * i + 2]).toBeCloseTo(1, 5);
    expect(score("accuracy", MULTICLASS, test.y, pred)).toBeGreaterThan(0.55);
  });

  it("is deterministic for a seed and ignores a constant column", () => {
    const d = synthetic({ rows: 400, informative: 2, noise: 5, task: BINARY, seed: 9 });
    for (let i = 0; i < d.x.rows; i++) d.x.data[i * d.x.cols + 3] = 1.5;
    const a = fitL1Linear(d.x, d.y, BINARY, { seed: 4 });
    const b = fitL1Linear(d.x, d.y, BINARY, { seed: 4 });
    expect(Array.from(a.rawCoef[0])).toEqual(Array.from(b.rawCoef[0]));
    expect(a.coef[0][3]).toBe(0);
    expect(Array.from(predictL1(a, d.x)).every(Number.isFinite)).toBe(true);
  });
});
