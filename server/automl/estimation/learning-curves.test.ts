import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { CURVE_MODELS, MIN_CURVE_POINTS, extrapolateCurve, type CurveForecast } from "./learning-curves";

const T = 50;

/** the curve f at epochs 1..T plus seeded Gaussian noise */
function noisy(f: (x: number) => number, sd: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: T }, (_, i) => f(i + 1) + sd * rng.normal());
}

const pow3 = (x: number) => 0.85 - 0.35 * x ** -0.8;
const exp3 = (x: number) => 0.8 - 0.4 * Math.exp(-0.15 * x);

function forecast(values: readonly number[], greaterIsBetter = true, maxEpochs = T): CurveForecast {
  const f = extrapolateCurve(values, maxEpochs, greaterIsBetter);
  if (!f) throw new Error("expected a forecast");
  return f;
}

function expectFinite(f: CurveForecast, maxEpochs: number) {
  expect(Number.isFinite(f.final.mean) && Number.isFinite(f.final.sd) && f.final.sd >= 0).toBe(true);
  for (const series of [f.curve.mean, f.curve.lower, f.curve.upper]) {
    expect(series).toHaveLength(maxEpochs);
    expect(series.every(Number.isFinite)).toBe(true);
  }
  f.curve.mean.forEach((m, i) => expect(f.curve.lower[i] <= m && m <= f.curve.upper[i]).toBe(true));
  const weights = Object.values(f.weights);
  expect(weights.every((w) => Number.isFinite(w) && w >= 0)).toBe(true);
  expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
}

describe("extrapolateCurve", () => {
  it("predicts a noisy power-law curve at epoch 50 from its first 10 epochs", () => {
    // truth: the curve reaches 0.8347 at epoch 50; the best noisy epoch of the full run is 0.8370
    const values = noisy(pow3, 0.004, 1);
    const f = forecast(values.slice(0, 10));
    expect(f.curve.mean[T - 1]).toBeCloseTo(pow3(T), 2); // measured 0.8372
    expect(Math.abs(f.final.mean - Math.max(...values))).toBeLessThan(0.015); // measured 0.8458 ± 0.0124
    expect(Math.abs(f.final.mean - Math.max(...values))).toBeLessThan(1.5 * f.final.sd);
    expect(f.observedBest).toBe(Math.max(...values.slice(0, 10)));
    expectFinite(f, T);
  });

  it("predicts a noisy exponential curve at epoch 50 from its first 10 and 25 epochs", () => {
    // truth: 0.7998 at epoch 50; best noisy epoch 0.8060
    const values = noisy(exp3, 0.004, 2);
    const at10 = forecast(values.slice(0, 10));
    expect(Math.abs(at10.final.mean - Math.max(...values))).toBeLessThan(0.015); // measured 0.7964 ± 0.0320
    expect(at10.weights.exp3).toBeGreaterThan(0.5); // measured 0.74
    const at25 = forecast(values.slice(0, 25));
    expect(Math.abs(at25.curve.mean[T - 1] - exp3(T))).toBeLessThan(0.005); // measured 0.8024
    expect(Math.abs(at25.final.mean - Math.max(...values))).toBeLessThan(0.005); // measured 0.8096 ± 0.0108
    expect(at25.final.sd).toBeLessThan(at10.final.sd / 2);
  });

  it("predicts a flat noisy curve flat", () => {
    const values = noisy(() => 0.7, 0.002, 3);
    const f = forecast(values.slice(0, 10));
    for (const m of f.curve.mean) expect(Math.abs(m - 0.7)).toBeLessThan(0.004);
    // the best of 40 more noisy epochs is a little above the flat line, and no more
    expect(f.final.mean).toBeGreaterThan(0.7);
    expect(f.final.mean).toBeLessThan(0.7 + 0.01);
    expect(f.final.sd).toBeLessThan(0.005);
  });

  it("narrows its uncertainty as the curve grows (mean sd over 5 noisy draws)", () => {
    for (const f of [pow3, exp3]) {
      const draws = [1, 2, 3, 4, 5].map((seed) => noisy(f, 0.004, seed));
      const sds = [5, 10, 20, 40].map((t) => draws.reduce((acc, values) => acc + forecast(values.slice(0, t)).final.sd, 0) / draws.length);
      for (let i = 1; i < sds.length; i++) expect(sds[i]).toBeLessThan(sds[i - 1]);
      expect(sds[3]).toBeLessThan(0.005);
    }
  });

  it("predicts a falling (overfitting) curve to keep its best so far", () => {
    const values = noisy((x) => 0.8 - 0.3 * Math.exp(-0.5 * x) - 0.004 * x, 0.002, 1);
    const f = forecast(values.slice(0, 15));
    expect(f.final.mean).toBeGreaterThanOrEqual(f.observedBest);
    expect(f.final.mean - f.observedBest).toBeLessThan(0.01); // measured 0.7711 vs the best 0.7650
  });

  it("predicts the best of a minimised metric as its minimum, mirroring the maximised one", () => {
    // a log loss falling towards 0.3; its best noisy epoch of 50 is 0.3196
    const loss = noisy((x) => 0.3 + 0.4 * x ** -0.7, 0.004, 1);
    const f = forecast(loss.slice(0, 10), false);
    expect(f.observedBest).toBe(Math.min(...loss.slice(0, 10)));
    expect(f.final.mean).toBeLessThan(f.observedBest);
    expect(Math.abs(f.final.mean - Math.min(...loss))).toBeLessThan(0.02); // measured 0.3355 ± 0.0179
    const mirrored = forecast(loss.slice(0, 10).map((v) => -v), true);
    expect(mirrored.final.mean).toBeCloseTo(-f.final.mean, 9);
    expect(mirrored.final.sd).toBeCloseTo(f.final.sd, 9);
    expect(mirrored.curve.upper[T - 1]).toBeCloseTo(-f.curve.lower[T - 1], 9);
  });

  it("is deterministic", () => {
    const values = noisy(pow3, 0.01, 9).slice(0, 12);
    expect(forecast(values)).toEqual(forecast(values));
  });

  it("is unchanged by the metric's offset and scale", () => {
    const values = noisy(exp3, 0.004, 4).slice(0, 12);
    const f = forecast(values);
    const g = forecast(values.map((v) => 1000 + 50 * v));
    expect(g.final.mean).toBeCloseTo(1000 + 50 * f.final.mean, 6);
    expect(g.final.sd).toBeCloseTo(50 * f.final.sd, 6);
    expect(g.weights).toEqual(Object.fromEntries(CURVE_MODELS.map((m) => [m, expect.closeTo(f.weights[m], 9)])));
  });

  it("never gives NaN on adversarial curves", () => {
    const cases: [string, number[], boolean][] = [
      ["constant", Array(8).fill(0.5), true],
      ["constant zero", Array(8).fill(0), false],
      ["single jump", [0.1, 0.1, 0.1, 0.1, 0.9, 0.9, 0.9, 0.9], true],
      ["single drop", [0.9, 0.9, 0.9, 0.1, 0.1, 0.1], true],
      ["huge", [1e12, 2e12, 2.5e12, 2.7e12, 2.8e12], true],
      ["spanning 1e300", [-1e300, 1e300, -1e300, 1e300, 1e300], true],
      ["sign-flipped log loss", [-2.3, -1.1, -0.8, -0.65, -0.6, -0.58, -0.57], true],
      ["alternating", [0, 1, 0, 1, 0, 1, 0, 1], false],
      ["tiny steps", [0.5, 0.5 + 1e-15, 0.5 + 2e-15, 0.5 + 3e-15, 0.5 + 4e-15], true],
    ];
    for (const [, values, greaterIsBetter] of cases) {
      for (const maxEpochs of [values.length, values.length + 1, 200]) expectFinite(forecast(values, greaterIsBetter, maxEpochs), maxEpochs);
    }
    const constant = forecast(Array(8).fill(0.5));
    expect(constant.final.mean).toBeCloseTo(0.5, 9);
    expect(constant.final.sd).toBeLessThan(1e-9);
  });

  it("returns the observed best exactly when no epochs are left", () => {
    const values = noisy(pow3, 0.004, 5).slice(0, 12);
    const f = forecast(values, true, 12);
    expect(f.final.mean).toBeCloseTo(Math.max(...values), 12);
    expect(f.final.sd).toBe(0);
  });

  it(`returns null below ${MIN_CURVE_POINTS} epochs and rejects invalid input`, () => {
    expect(extrapolateCurve([0.5, 0.6, 0.65], 10, true)).toBeNull();
    expect(extrapolateCurve([0.5, 0.6, 0.65, 0.67], 10, true)).not.toBeNull();
    expect(() => extrapolateCurve([0.5, NaN, 0.6, 0.7], 10, true)).toThrow(/finite/);
    expect(() => extrapolateCurve([0.5, 0.6, 0.7, 0.8], 3, true)).toThrow(/maxEpochs/);
  });
});
