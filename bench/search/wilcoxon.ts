/**
 * The Wilcoxon signed-rank test for paired samples (here: two searchers' regrets on the same seeds).
 *
 * Zero differences are dropped before ranking (Wilcoxon's own handling, scipy's zero_method="wilcox"),
 * rather than ranked and then dropped (Pratt's): a seed on which both searchers end equal says nothing
 * about which is better. Tied |differences| share their average rank.
 *
 * Up to EXACT_MAX_N non-zero differences the p-value is exact: the null distribution of W+ (the rank
 * sum of the positive differences) is enumerated over all 2^n sign patterns of the actual ranks, by
 * counting subset sums of the doubled ranks (average ranks are multiples of 1/2, so doubled they are
 * integers). This stays exact with ties, where a textbook table (which assumes ranks 1..n) would not.
 * Beyond that, the normal approximation with the tie-corrected variance and no continuity correction.
 */

/** the largest n whose null distribution is enumerated (2^25 sign patterns are still exact in a double) */
export const EXACT_MAX_N = 25;

export interface SignedRankResult {
  /** differences left after dropping zeros */
  n: number;
  /** the sum of the ranks of the positive differences x - y */
  wPlus: number;
  /** one-sided p-value for the alternative asked */
  p: number;
  exact: boolean;
}

/**
 * Tests whether x tends to be smaller ("less") or larger ("greater") than its pair in y.
 * With no non-zero difference there is no evidence either way: p = 1.
 */
export function wilcoxonSignedRank(x: readonly number[], y: readonly number[], alternative: "less" | "greater"): SignedRankResult {
  if (x.length !== y.length) throw new Error(`wilcoxonSignedRank: ${x.length} values paired with ${y.length}`);
  const d = x.map((xi, i) => xi - y[i]);
  if (d.some((di) => Number.isNaN(di))) throw new Error("wilcoxonSignedRank: a difference is NaN");
  const nonZero = d.filter((di) => di !== 0);
  const n = nonZero.length;
  if (n === 0) return { n, wPlus: 0, p: 1, exact: true };
  const ranks = averageRanks(nonZero.map(Math.abs));
  const wPlus = ranks.reduce((sum, r, i) => sum + (nonZero[i] > 0 ? r : 0), 0);
  // "less": small W+ is the evidence; "greater": large W+, i.e. small W- (the same distribution, mirrored)
  const observed = alternative === "less" ? wPlus : (n * (n + 1)) / 2 - wPlus;
  if (n <= EXACT_MAX_N) return { n, wPlus, p: exactLowerTail(ranks, observed), exact: true };
  return { n, wPlus, p: normalLowerTail(ranks, observed), exact: false };
}

/** 1-based ranks of `values` in ascending order, ties sharing the average of the ranks they span */
export function averageRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
  const ranks = new Array<number>(values.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && order[end].v === order[start].v) end++;
    const average = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k].i] = average;
    start = end;
  }
  return ranks;
}

/** P(W+ <= observed) under the null, where each rank's sign is + or - with probability 1/2 */
function exactLowerTail(ranks: readonly number[], observed: number): number {
  const doubled = ranks.map((r) => Math.round(2 * r));
  const total = doubled.reduce((a, b) => a + b, 0);
  // ways[s]: sign patterns whose positive ranks sum (doubled) to s
  const ways = new Float64Array(total + 1);
  ways[0] = 1;
  let reach = 0;
  for (const r of doubled) {
    for (let s = reach; s >= 0; s--) if (ways[s] > 0) ways[s + r] += ways[s];
    reach += r;
  }
  const limit = Math.round(2 * observed);
  let tail = 0;
  for (let s = 0; s <= limit; s++) tail += ways[s];
  return Math.min(1, tail / 2 ** ranks.length);
}

function normalLowerTail(ranks: readonly number[], observed: number): number {
  const n = ranks.length;
  const mean = (n * (n + 1)) / 4;
  // each group of t tied ranks lowers the variance by (t^3 - t) / 48
  const counts = new Map<number, number>();
  for (const r of ranks) counts.set(r, (counts.get(r) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of counts.values()) tieTerm += t ** 3 - t;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  return normalCdf((observed - mean) / Math.sqrt(variance));
}

/** the standard normal CDF, via erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7) */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}
