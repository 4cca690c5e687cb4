import { describe, expect, it } from "vitest";
import { describeScale, fidelityCheck, lowFidelityRows, screen, spearman } from "./lower-fidelity";

describe("spearman", () => {
  it("matches scipy.stats.spearmanr, ties ranked by their average", () => {
    // scipy.stats.spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]).statistic == 0.8207826816681233
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 12);
    expect(spearman([0.7, 0.8, 0.9], [0.1, 0.2, 0.3])).toBeCloseTo(1, 12);
    expect(spearman([0.7, 0.8, 0.9], [0.3, 0.2, 0.1])).toBeCloseTo(-1, 12);
  });

  it("is undefined below 3 pairs or for a constant side", () => {
    expect(spearman([1, 2], [2, 1])).toBeNull();
    expect(spearman([1, 2, 3], [4, 4, 4])).toBeNull();
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow("3 and 2 values");
  });
});

describe("screen", () => {
  const earlier = [0.7, 0.75, 0.8, 0.65, 0.72];
  it("trains in full the top third of the cheap scores so far", () => {
    // 6 scores: the best 2 go on
    expect(screen(0.78, earlier, "maximize", false)).toEqual({ promote: true, rank: 2, of: 6, kept: 2 });
    expect(screen(0.74, earlier, "maximize", false)).toEqual({ promote: false, rank: 3, of: 6, kept: 2 });
    // a loss: lower is better
    expect(screen(0.66, earlier, "minimize", false)).toMatchObject({ promote: true, rank: 2 });
  });

  it("ranks against the 11 most recent cheap scores only, so the bar rises with the search", () => {
    const improving = Array.from({ length: 20 }, (_, i) => 0.6 + i * 0.01); // 0.60 .. 0.79
    // against all 20 it would rank 5th of 21 and go on; among the last 11 (0.69 .. 0.79) it is 5th of 12, kept 4
    expect(screen(0.755, improving, "maximize", false)).toEqual({ promote: false, rank: 5, of: 12, kept: 4 });
    expect(screen(0.765, improving, "maximize", false)).toMatchObject({ promote: true, rank: 4 });
  });

  it("promotes every calibration trial, and the first of a run", () => {
    expect(screen(0.1, earlier, "maximize", true)).toMatchObject({ promote: true, rank: 6 });
    expect(screen(0.1, [], "maximize", false)).toMatchObject({ promote: true, rank: 1, of: 1, kept: 1 });
  });

  it("keeps a fraction of small data no smaller than the minimum", () => {
    expect(lowFidelityRows(10_000)).toBe(5000);
    expect(lowFidelityRows(640)).toBe(500);
    expect(lowFidelityRows(450)).toBe(450);
    expect(describeScale()).toBe("half the units, a third of the epochs");
    expect(describeScale({ rows: 1, epochs: 1 / 4, width: 0.3 })).toBe("30% of the units, a quarter of the epochs");
  });
});

describe("fidelityCheck", () => {
  it("warns when low and full scores rank candidates differently", () => {
    const disagree = [0.8, 0.7, 0.75, 0.6, 0.65].map((full, i) => ({ low: 0.6 + i * 0.02, full }));
    const check = fidelityCheck(disagree);
    expect(check.spearman).toBeCloseTo(-0.8, 12);
    expect(check.pairs).toBe(5);
    expect(check.warning).toMatch(/rank the 5 candidates trained both ways differently \(Spearman -0\.80\)/);
  });

  it("stays quiet when rankings survive, or with too few pairs to tell", () => {
    const agree = [0.6, 0.62, 0.7, 0.71, 0.8].map((full, i) => ({ low: full - 0.05 - i * 0.001, full }));
    expect(fidelityCheck(agree)).toEqual({ spearman: 1, pairs: 5, warning: null });
    expect(fidelityCheck(agree.slice(0, 4).reverse().map(({ low, full }, i) => ({ low, full: full + i }))).warning).toBeNull();
  });
});
