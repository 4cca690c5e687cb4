/**
 * The chi-square survival function (for the G-test behind the mutual-information filter) and the
 * Benjamini-Hochberg cut. Regularised incomplete gamma as in Numerical Recipes (series below a+1, Lentz's
 * continued fraction above), log-gamma by Lanczos (g = 7, n = 9).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  x -= 1;
  let a = LANCZOS[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Q(a, x) = Gamma(a, x) / Gamma(a), the regularised upper incomplete gamma function */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || x < 0 || Number.isNaN(x)) throw new Error(`gammaQ needs a > 0 and x >= 0, got a=${a}, x=${x}`);
  if (x === 0) return 1;
  if (!Number.isFinite(x)) return 0;
  const lead = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    // series for P(a, x)
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 1000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, Math.max(0, 1 - sum * Math.exp(lead)));
  }
  // continued fraction for Q(a, x)
  const TINY = 1e-300;
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.min(1, Math.max(0, Math.exp(lead) * h));
}

/** P(X >= stat) for X ~ chi-square with df degrees of freedom */
export function chiSquareSurvival(stat: number, df: number): number {
  if (df <= 0) return 1;
  return gammaQ(df / 2, Math.max(0, stat) / 2);
}

/**
 * Benjamini-Hochberg at level alpha: which hypotheses are rejected (true = significant). Controls the expected
 * share of false discoveries among the kept features at alpha, for independent (or positively dependent) tests.
 */
export function benjaminiHochberg(pValues: ArrayLike<number>, alpha: number): boolean[] {
  const m = pValues.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => pValues[a] - pValues[b]);
  let cut = -1;
  for (let k = 0; k < m; k++) if (pValues[order[k]] <= ((k + 1) / m) * alpha) cut = k;
  const out = new Array<boolean>(m).fill(false);
  for (let k = 0; k <= cut; k++) out[order[k]] = true;
  return out;
}
