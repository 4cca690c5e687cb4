import { describe, expect, it } from "vitest";
import { applyIsotonic, fitIsotonic } from "./isotonic";

describe("isotonic regression (pool adjacent violators)", () => {
  it("matches a hand-computed PAV fit, interpolating between steps and clipping outside", () => {
    // labels by score: 1 0 0 | 1 0 | 1 -> pools {1,2,3} = 1/3 and {4,5} = 1/2; 6 stays 1
    const fit = fitIsotonic([6, 2, 4, 1, 5, 3], [1, 0, 1, 1, 0, 0]);
    expect(fit.x).toEqual([1, 3, 4, 5, 6]);
    expect(fit.y).toEqual([1 / 3, 1 / 3, 1 / 2, 1 / 2, 1]);
    expect(applyIsotonic(fit, 0)).toBe(1 / 3);
    expect(applyIsotonic(fit, 2)).toBe(1 / 3);
    expect(applyIsotonic(fit, 3.5)).toBeCloseTo(5 / 12, 12);
    expect(applyIsotonic(fit, 5.5)).toBeCloseTo(0.75, 12);
    expect(applyIsotonic(fit, 6)).toBe(1);
    expect(applyIsotonic(fit, 9)).toBe(1);
  });

  it("averages tied scores first, as scikit-learn does", () => {
    // x=1: mean 1/2 (weight 2), x=2: 0 -> pooled (1 + 0 + 0) / 3
    const fit = fitIsotonic([1, 1, 2], [1, 0, 0]);
    expect(fit.x).toEqual([1, 2]);
    expect(fit.y).toEqual([1 / 3, 1 / 3]);
    // a tie that needs no pooling keeps its mean
    expect(fitIsotonic([1, 2, 2, 3], [0, 1, 0, 1])).toEqual({ x: [1, 2, 3], y: [0, 0.5, 1] });
  });

  it("keeps the breakpoints compact: equal neighbouring values become one block", () => {
    const fit = fitIsotonic([1, 2, 3, 4, 5], [0, 1, 1, 1, 1]);
    expect(fit).toEqual({ x: [1, 2, 5], y: [0, 1, 1] });
    expect(fitIsotonic([3, 1, 2], [1, 1, 1])).toEqual({ x: [1, 3], y: [1, 1] });
    const single = fitIsotonic([0.4], [1]);
    expect(single).toEqual({ x: [0.4], y: [1] });
    expect(applyIsotonic(single, 0.1)).toBe(1);
  });
});
