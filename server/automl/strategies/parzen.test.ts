import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { normalCdf } from "../math/normal";
import { categoricalParzen, multivariateParzen, neighbourBandwidths, numericParzen, observationWeights } from "./parzen";

describe("parzen estimators", () => {
  it("numeric: a density on [0, 1] (integrates to 1) whose samples stay inside", () => {
    for (const obs of [[], [0], [1, 1, 1], [0.2, 0.25, 0.9]]) {
      const p = numericParzen(obs);
      const n = 20000;
      let mass = 0;
      for (let i = 0; i < n; i++) mass += Math.exp(p.logPdf((i + 0.5) / n)) / n;
      expect(mass).toBeCloseTo(1, 3);
      const rng = createRng(1);
      for (let i = 0; i < 500; i++) {
        const x = p.sample(rng);
        expect(x >= 0 && x <= 1).toBe(true);
      }
    }
  });

  it("numeric: puts more density near the observations", () => {
    const p = numericParzen([0.2, 0.22, 0.25]);
    expect(p.logPdf(0.22)).toBeGreaterThan(p.logPdf(0.8));
  });

  it("bandwidths: the larger neighbour gap (prior at 0.5 counts, range ends do not), clipped to [1 / (kernels + 1), 1]", () => {
    // centres sorted: 0.1, 0.3, 0.5 (prior), 0.9 -> 0.1 and 0.9 are outermost and take their one gap (0.2, 0.4);
    // 0.3: max(0.2, 0.2); the floor is 1 / 5
    expect(neighbourBandwidths([0.9, 0.1, 0.3]).map((s) => +s.toFixed(12))).toEqual([0.4, 0.2, 0.2]);
    // with 10 kernels the floor is 1 / 11: 0.05 takes its gap to 0.2; 0.95 sits 0.05 from the range end, which no
    // longer counts, so its 0.05 gap to 0.9 is clipped up to the floor
    const sigmas = neighbourBandwidths([0.05, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9, 0.95]);
    expect(sigmas[0]).toBeCloseTo(0.15);
    expect(sigmas[8]).toBeCloseTo(1 / 11);
    // duplicates have a zero gap: clipped up to 1 / 5
    expect(neighbourBandwidths([0.7, 0.7, 0.7])[1]).toBeCloseTo(0.2);
  });

  it("numeric: weights shift the mass between observations", () => {
    const even = numericParzen([0.2, 0.8]);
    const tilted = numericParzen([0.2, 0.8], [0.1, 1]);
    expect(tilted.logPdf(0.2)).toBeLessThan(even.logPdf(0.2));
    expect(tilted.logPdf(0.8)).toBeGreaterThan(even.logPdf(0.8));
    expect(() => numericParzen([0.2, 0.8], [1])).toThrow(/weights/);
  });

  it("observation weights: the newest 25 weigh 1, older ones ramp up linearly from 1 / n (Optuna's default_weights)", () => {
    expect(observationWeights(3)).toEqual([1, 1, 1]);
    expect(observationWeights(25)).toEqual(new Array(25).fill(1));
    const w = observationWeights(30);
    expect(w).toHaveLength(30);
    expect(w.slice(5)).toEqual(new Array(25).fill(1));
    [1 / 30, 0.275, 0.5167, 0.7583, 1].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 3));
  });

  it("categorical: every observation's kernel is smoothed by 1 / (m + 1), the prior is uniform", () => {
    // 3 observations: each kernel is (1 on its category + 1/4 on all) / 2; mixture weights 1, 1, 1 and the prior 1
    const p = categoricalParzen(4, [2, 2, 1]);
    const probs = [0, 1, 2, 3].map((k) => Math.exp(p.logPdf(k)));
    expect(probs.reduce((a, b) => a + b)).toBeCloseTo(1);
    expect(probs[2]).toBeCloseTo((2 * 0.625 + 0.125 + 0.25) / 4);
    expect(probs[0]).toBeCloseTo((3 * 0.125 + 0.25) / 4);
    const rng = createRng(2);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[p.sample(rng)]++;
    expect(counts[2] / 4000).toBeCloseTo(probs[2], 1);
    // a down-weighted observation counts less
    expect(categoricalParzen(2, [0, 1], [0.1, 1]).logPdf(0)).toBeLessThan(categoricalParzen(2, [0, 1]).logPdf(0));
  });

  it("multivariate: a density on [0, 1] x categories that ties coordinates together, sampled from its observations", () => {
    const p = multivariateParzen([{ kind: "numeric" }, { kind: "categorical", n: 2 }], [[0.2, 0], [0.8, 1]]);
    const n = 4000;
    let mass = 0;
    for (let i = 0; i < n; i++) for (const c of [0, 1]) mass += Math.exp(p.logPdf([(i + 0.5) / n, c])) / n;
    expect(mass).toBeCloseTo(1, 3);
    // the pairs seen together are likelier than the crossed ones
    expect(p.logPdf([0.2, 0])).toBeGreaterThan(p.logPdf([0.2, 1]));
    expect(p.logPdf([0.8, 1])).toBeGreaterThan(p.logPdf([0.8, 0]));
    const rng = createRng(3);
    for (let i = 0; i < 300; i++) {
      const [x, c] = p.sample(rng);
      expect(c === 0 || c === 1).toBe(true);
      expect(x >= 0 && x <= 1).toBe(true);
    }
    // draws come from the observations' kernels (bandwidth 0.2 * 5^(-1/6) = 0.15 here), never from the wide prior,
    // which (weight 1/6) would put about 30 of 2000 draws in the far corner
    const q = multivariateParzen([{ kind: "numeric" }, { kind: "numeric" }], Array.from({ length: 5 }, () => [0.1, 0.1]));
    const far = Array.from({ length: 2000 }, () => q.sample(rng)).filter(([x, y]) => x > 0.7 && y > 0.7).length;
    expect(far).toBeLessThan(3);
  });

  it("normalCdf matches known values", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });
});
