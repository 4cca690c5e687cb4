/** The standard normal distribution, shared by the search core (TPE's truncated kernels, curve stopping). */

/** the standard normal CDF through erf (Abramowitz & Stegun 7.1.26, absolute error < 1.5e-7: plenty for a density ratio) */
export function normalCdf(z: number): number {
  return 0.5 * (1 + erf(z / Math.SQRT2));
}

function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  return sign * (1 - poly * Math.exp(-a * a));
}
