import { describe, expect, it } from "vitest";
import { averageRanks, wilcoxonSignedRank } from "./wilcoxon";

const zeros = (n: number) => new Array<number>(n).fill(0);

/** P(W+ <= w) by listing every sign pattern: slow, but independent of the implementation's counting */
function bruteForceLowerTail(ranks: number[], w: number): number {
  let hits = 0;
  for (let mask = 0; mask < 2 ** ranks.length; mask++) {
    const sum = ranks.reduce((s, r, i) => s + (mask & (1 << i) ? r : 0), 0);
    if (sum <= w) hits++;
  }
  return hits / 2 ** ranks.length;
}

describe("wilcoxonSignedRank", () => {
  // reference p-values from scipy 1.10: scipy.stats.wilcoxon(x, y, alternative=..., mode="exact" | "approx")
  it("matches scipy's exact p-values without ties", () => {
    const x = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const greater = wilcoxonSignedRank(x, y, "greater");
    expect(greater).toMatchObject({ n: 9, wPlus: 40, exact: true });
    expect(greater.p).toBeCloseTo(0.01953125, 12);
    expect(wilcoxonSignedRank(x, y, "less").p).toBeCloseTo(0.986328125, 12);

    const a = [2.041, -2.556, 0.418, -0.568, -0.453, -0.216, -2.02, -0.232, -0.865, 3.323, 0.226, -0.353, -0.281, -0.668, -1.055, -0.391, 0.482, -0.239, 0.958, -0.2];
    const b = [0.624, 2.146, 1.145, 0.095, 0.417, 1.141, 2.535, 0.33, 0.356, 1.602, -0.286, 0.308, 1.483, 1.18, 0.692, 1.27, -2.228, 1.621, -0.36, -1.069];
    const less = wilcoxonSignedRank(a, b, "less");
    expect(less).toMatchObject({ n: 20, wPlus: 58, exact: true });
    expect(less.p).toBeCloseTo(0.0412750244140625, 12);
  });

  it("matches scipy's normal approximation beyond 25 pairs, ties included", () => {
    const a = [0.276, 0.701, -0.445, -1.076, 0.026, -0.053, 1.406, 0.747, 0.194, 1.112, -0.206, -0.926, 0.584, 0.583, -0.215, -0.783, 0.229, -2.494, 0.69, 0.491, -1.639, 0.061, -0.964, 0.757, -2.034, -0.914, 0.71, 1.156, -2.158, -0.498];
    const b = [0.728, -0.209, 1.991, -0.791, 0.755, -0.648, 1.806, 0.378, 0.028, -1.318, 2.082, 1.153, 1.154, 1.538, 0.749, -0.239, -0.4, -0.4, 1.77, -1.06, -0.196, 0.079, 0.625, 0.975, -0.849, -1.33, 0.396, 1.614, 1.157, 0.616];
    const approx = wilcoxonSignedRank(a, b, "less");
    expect(approx).toMatchObject({ n: 30, wPlus: 115, exact: false });
    expect(approx.p).toBeCloseTo(0.007829241671100285, 6);

    const d = [1, -1, 2, 2, -3, 3, 4, 5, -5, 6, 7, 8, -9, 10, 11, 12, 13, 14, -15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
    const tied = wilcoxonSignedRank(d, zeros(d.length), "greater");
    expect(tied.wPlus).toBe(358.5);
    expect(tied.p).toBeCloseTo(0.00019899318812384022, 6);
    expect(wilcoxonSignedRank(d, zeros(d.length), "less").p).toBeCloseTo(0.9998010068118761, 6);
  });

  it("drops zero differences (Wilcoxon's handling) and stays exact with tied ranks", () => {
    // non-zero |d| = 1, 1, 2, 2, 3, 4 -> ranks 1.5, 1.5, 3.5, 3.5, 5, 6; W+ = 1.5 + 3.5 + 3.5 + 6 = 14.5
    const d = [1, -1, 2, 2, -3, 0, 4];
    const result = wilcoxonSignedRank(d, zeros(d.length), "less");
    expect(result).toMatchObject({ n: 6, wPlus: 14.5, exact: true });
    const ranks = [1.5, 1.5, 3.5, 3.5, 5, 6];
    expect(result.p).toBeCloseTo(bruteForceLowerTail(ranks, 14.5), 12);
    // "greater" is the lower tail of W- = 21 - 14.5 = 6.5
    expect(wilcoxonSignedRank(d, zeros(d.length), "greater").p).toBeCloseTo(bruteForceLowerTail(ranks, 6.5), 12);
  });

  it("gives the smallest p-value, 1 / 2^n, when every difference points the same way", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(wilcoxonSignedRank(x, x.map((v) => v + 1 + v / 10), "less").p).toBeCloseTo(1 / 1024, 15);
  });

  it("has no evidence when all pairs are equal", () => {
    expect(wilcoxonSignedRank([1, 2], [1, 2], "less")).toEqual({ n: 0, wPlus: 0, p: 1, exact: true });
  });

  it("rejects unpaired input", () => {
    expect(() => wilcoxonSignedRank([1, 2], [1], "less")).toThrow(/paired/);
  });
});

describe("averageRanks", () => {
  it("gives ties the average of the ranks they span", () => {
    expect(averageRanks([10, 30, 20, 20, 5])).toEqual([2, 5, 3.5, 3.5, 1]);
  });
});
