import { describe, expect, it } from "vitest";
import { benjaminiHochberg, chiSquareSurvival, logGamma } from "./chi-square";
import { mutualInfoOfCodes, mutualInformation, quantileBins } from "./mutual-information";
import { BINARY, REGRESSION, synthetic } from "./test-data";

describe("chi-square helpers", () => {
  it("match tabulated values", () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 10);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 8);
    expect(chiSquareSurvival(18.307038053275146, 10)).toBeCloseTo(0.05, 8);
    expect(chiSquareSurvival(2, 2)).toBeCloseTo(Math.exp(-1), 10);
    expect(chiSquareSurvival(0, 3)).toBe(1);
    expect(chiSquareSurvival(400, 3)).toBeLessThan(1e-80);
  });

  it("Benjamini-Hochberg rejects the step-up set", () => {
    // m = 5, alpha = 0.05: thresholds 0.01, 0.02, 0.03, 0.04, 0.05; the largest k with p_(k) <= k alpha / m is 3
    expect(benjaminiHochberg([0.2, 0.001, 0.025, 0.015, 0.9], 0.05)).toEqual([false, true, true, true, false]);
    expect(benjaminiHochberg([0.5, 0.6], 0.05)).toEqual([false, false]);
  });
});

describe("quantileBins", () => {
  it("cuts equal-frequency bins and keeps ties together", () => {
    const { codes, bins } = quantileBins(Float64Array.from([5, 1, 4, 2, 3, 8, 7, 6]), 4);
    expect(bins).toBe(4);
    expect(Array.from(codes)).toEqual([2, 0, 1, 0, 1, 3, 3, 2]);
    const ties = quantileBins(Float64Array.from([0, 1, 0, 1, 1, 0, 1, 1]), 16);
    expect(ties.bins).toBe(2);
    expect(Array.from(ties.codes)).toEqual([0, 1, 0, 1, 1, 0, 1, 1]);
    expect(quantileBins(Float64Array.from([3, 3, 3]), 8).bins).toBe(1);
  });

  it("MI of codes: log 2 for a copy of a fair coin, 0 for independent codes", () => {
    const a = Int32Array.from([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(mutualInfoOfCodes(a, 2, a, 2)).toBeCloseTo(Math.log(2), 12);
    expect(mutualInfoOfCodes(a, 2, Int32Array.from([0, 0, 1, 1, 0, 0, 1, 1]), 2)).toBeCloseTo(0, 12);
  });
});

describe("mutualInformation", () => {
  it("scores noise about 0 and the informative features far above (binary)", () => {
    const d = synthetic({ rows: 1200, informative: 5, noise: 100, task: BINARY, seed: 3 });
    const r = mutualInformation(d.x, d.y, BINARY, { seed: 1 });
    const noise = Array.from(r.corrected).filter((_, j) => !d.informative.includes(j));
    const noiseMean = noise.reduce((s, v) => s + v, 0) / noise.length;
    expect(Math.abs(noiseMean)).toBeLessThan(0.002); // the raw MI of noise is about df / 2n = 0.006
    for (const j of d.informative) expect(r.corrected[j]).toBeGreaterThan(0.01);
    // the p-values of noise are about uniform: few below 0.05, none anywhere near the informative ones
    const pNoise = Array.from(r.pValue).filter((_, j) => !d.informative.includes(j));
    expect(pNoise.filter((p) => p < 0.05).length).toBeLessThanOrEqual(12);
    for (const j of d.informative) expect(r.pValue[j]).toBeLessThan(1e-4);
  });

  it("bins a regression target too, where the chi-square bias estimate alone would be off", () => {
    const d = synthetic({ rows: 1500, informative: 3, noise: 60, task: REGRESSION, seed: 4 });
    const r = mutualInformation(d.x, d.y, REGRESSION, { seed: 2 });
    expect(r.labelBins).toBe(16);
    const noise = Array.from(r.corrected).filter((_, j) => !d.informative.includes(j));
    expect(Math.abs(noise.reduce((s, v) => s + v, 0) / noise.length)).toBeLessThan(0.003); // raw noise MI is about 0.08
    for (const j of d.informative) expect(r.corrected[j]).toBeGreaterThan(0.03);
  });

  it("gives a constant feature no information", () => {
    const d = synthetic({ rows: 200, informative: 1, noise: 2, task: BINARY, seed: 5 });
    for (let i = 0; i < d.x.rows; i++) d.x.data[i * d.x.cols] = 7;
    const r = mutualInformation(d.x, d.y, BINARY, { seed: 1 });
    expect(r.mi[0]).toBe(0);
    expect(r.pValue[0]).toBe(1);
  });
});
