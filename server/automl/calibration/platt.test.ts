import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { applyPlatt, fitPlatt } from "./platt";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** rows whose true positive probability is sigmoid(z), reported by a model as sigmoid(scale * z + shift) */
function sample(n: number, seed: number, scale: number, shift: number) {
  const rng = createRng(seed);
  const p1 = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const z = rng.normal(0, 1.5);
    y[i] = rng.float() < sigmoid(z) ? 1 : 0;
    p1[i] = sigmoid(scale * z + shift);
  }
  return { p1, y };
}

function logLoss(y: Float32Array, p: (i: number) => number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(y[i] === 1 ? p(i) : 1 - p(i));
  return s / y.length;
}

describe("Platt scaling", () => {
  it("undoes over-confidence: recovers the inverse map and lowers the log loss", () => {
    const { p1, y } = sample(4000, 1, 3, 0.6);
    const fit = fitPlatt(p1, y);
    // the truth is sigmoid(z) = sigmoid((logit(p) - 0.6) / 3): a = 1/3, b = -0.2
    expect(fit.a).toBeCloseTo(1 / 3, 1);
    expect(fit.b).toBeCloseTo(-0.2, 1);
    const before = logLoss(y, (i) => p1[i]);
    const after = logLoss(y, (i) => applyPlatt(fit, p1[i]));
    expect(after).toBeLessThan(before * 0.85);
  });

  it("leaves calibrated probabilities about as they are", () => {
    const { p1, y } = sample(4000, 2, 1, 0);
    const fit = fitPlatt(p1, y);
    expect(fit.a).toBeCloseTo(1, 1);
    expect(fit.b).toBeCloseTo(0, 1);
  });

  it("fits the smoothed targets, not the labels (hand-computed)", () => {
    // every score is 0.5 (logit 0), so only b matters: sigmoid(b) = mean target = (3 * 4/5 + 1/3) / 4
    const fit = fitPlatt([0.5, 0.5, 0.5, 0.5], [1, 1, 1, 0]);
    expect(applyPlatt(fit, 0.5)).toBeCloseTo((3 * 0.8 + 1 / 3) / 4, 6);
  });

  it("stays finite on separable data and with one class", () => {
    const separable = fitPlatt([0.1, 0.2, 0.3, 0.7, 0.8, 0.9], [0, 0, 0, 1, 1, 1]);
    expect(Number.isFinite(separable.a) && Number.isFinite(separable.b)).toBe(true);
    expect(applyPlatt(separable, 0.9)).toBeLessThan(1);
    // targets (3 + 1) / (3 + 2) = 0.8 for three positives and no negatives
    const oneClass = fitPlatt([0.2, 0.6, 0.9], [1, 1, 1]);
    expect(applyPlatt(oneClass, 0.6)).toBeCloseTo(0.8, 4);
    expect(() => fitPlatt([0.5], [1, 0])).toThrow(/labels/);
  });
});
