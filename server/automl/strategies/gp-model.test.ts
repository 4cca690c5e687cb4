import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { expectedImprovement, fitHyperparameters, gpPosterior, logMarginalLikelihood, type GpHyper } from "./gp-model";

const rng = createRng(5);
const x = Array.from({ length: 12 }, () => Float64Array.from([rng.float(), rng.float()]));
const f = (p: Float64Array) => Math.sin(6 * p[0]) + (p[1] - 0.3) ** 2;
const y = Float64Array.from(x, f);
const hyper = (noise: number): GpHyper => ({ logLengthscales: Float64Array.from([Math.log(0.3), Math.log(0.5)]), logSignal: 0, logNoise: Math.log(noise) });

describe("gp model", () => {
  it("interpolates its training points when the noise is tiny", () => {
    const posterior = gpPosterior(x, y, hyper(1e-8));
    for (let i = 0; i < x.length; i++) {
      const { mean, variance } = posterior.predict(x[i]);
      expect(mean).toBeCloseTo(y[i], 4);
      expect(variance).toBeLessThan(1e-5);
    }
    // far from the data the posterior reverts to the prior
    const far = posterior.predict(Float64Array.from([30, 30]));
    expect(Math.abs(far.mean)).toBeLessThan(1e-6);
    expect(far.variance).toBeCloseTo(1, 6);
  });

  it("has an analytic likelihood gradient that matches finite differences", () => {
    const h = hyper(0.01);
    const { grad } = logMarginalLikelihood(x, y, h);
    const eps = 1e-5;
    const at = (i: number, delta: number): number => {
      const ls = h.logLengthscales.slice();
      const shifted: GpHyper = { logLengthscales: ls, logSignal: h.logSignal, logNoise: h.logNoise };
      if (i < 2) ls[i] += delta;
      else if (i === 2) shifted.logSignal += delta;
      else shifted.logNoise += delta;
      return logMarginalLikelihood(x, y, shifted).value;
    };
    for (let i = 0; i < 4; i++) expect(grad[i]).toBeCloseTo((at(i, eps) - at(i, -eps)) / (2 * eps), 4);
  });

  it("fits hyperparameters that beat the default start, deterministically for a seed", () => {
    const fitted = fitHyperparameters(x, y, 2, createRng(1));
    expect(fitHyperparameters(x, y, 2, createRng(1))).toEqual(fitted);
    const start: GpHyper = { logLengthscales: new Float64Array(2).fill(Math.log(0.3)), logSignal: 0, logNoise: Math.log(1e-3) };
    expect(logMarginalLikelihood(x, y, fitted).value).toBeGreaterThan(logMarginalLikelihood(x, y, start).value);
  });

  it("scores expected improvement: zero without variance below the best, growing with variance", () => {
    expect(expectedImprovement({ mean: 0, variance: 0 }, 1)).toBe(0);
    expect(expectedImprovement({ mean: 2, variance: 0 }, 1)).toBe(1);
    const narrow = expectedImprovement({ mean: 0, variance: 0.01 }, 1);
    const wide = expectedImprovement({ mean: 0, variance: 1 }, 1);
    expect(narrow).toBeGreaterThanOrEqual(0);
    expect(wide).toBeGreaterThan(narrow);
    // at mean == best, EI = sd * phi(0)
    expect(expectedImprovement({ mean: 1, variance: 4 }, 1)).toBeCloseTo(2 / Math.sqrt(2 * Math.PI), 6);
  });
});
