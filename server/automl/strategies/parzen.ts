/**
 * Parzen estimators for TPE, both on a strategy-neutral coordinate:
 *   - numeric: a mixture of Gaussians truncated to the unit interval [0, 1] (the coordinate of
 *     `toUnit`/`fromUnit`, so log ranges and grids are already handled by the caller);
 *   - categorical: smoothed counts over category indices 0..n-1.
 * Each has a prior component (Optuna's `consider_prior`, weight 1), so an estimator built from few or
 * no observations still covers the whole range and never assigns zero density. Observations may carry
 * weights (see `observationWeights`: the oldest of many observations count less); the prior keeps
 * PRIOR_WEIGHT, measured against an observation of weight 1.
 */
import { normalCdf } from "../math/normal";
import type { Rng } from "../rng";

/** the prior's weight relative to one observation (Optuna's prior_weight = 1.0) */
const PRIOR_WEIGHT = 1;
/** observations beyond the newest FULL_WEIGHT_NEWEST are down-weighted, oldest least (Optuna's default_weights) */
const FULL_WEIGHT_NEWEST = 25;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export interface ParzenEstimator<T> {
  sample(rng: Rng): T;
  logPdf(x: T): number;
}

/**
 * A truncated-Gaussian mixture on [0, 1]: one kernel at each observation plus a prior kernel
 * N(0.5, 1) (centred on the range, as wide as the range). Bandwidths follow the neighbour rule of
 * Bergstra et al. (2011), as Optuna's univariate TPE: see `neighbourBandwidths`. The prior keeps
 * bandwidth 1. `weights` (default 1 each) are the observations' mixture weights, in their order.
 */
export function numericParzen(observations: readonly number[], weights?: readonly number[]): ParzenEstimator<number> {
  const mus = [...observations, 0.5];
  const sigmas = neighbourBandwidths(observations);
  sigmas.push(1);
  // truncation mass Z = Phi(b) - Phi(a) per kernel. Every centre lies in [0, 1] and every sigma <= 1, so
  // Z >= 0.34: no precision trouble.
  const logNorm = mus.map((mu, i) => Math.log(normalCdf((1 - mu) / sigmas[i]) - normalCdf((0 - mu) / sigmas[i])));
  const w = mixtureWeights(observations.length, weights);
  const total = w.reduce((a, b) => a + b, 0);
  const logWeights = w.map((x) => Math.log(x / total));
  return {
    sample(rng) {
      const k = pickIndex(rng, w, total);
      // rejection sampling: the acceptance probability is Z >= 0.34 (see above), so this ends quickly
      for (;;) {
        const x = rng.normal(mus[k], sigmas[k]);
        if (x >= 0 && x <= 1) return x;
      }
    },
    logPdf(x) {
      const terms = mus.map((mu, i) => {
        const z = (x - mu) / sigmas[i];
        return logWeights[i] - 0.5 * z * z - Math.log(sigmas[i]) - LOG_SQRT_2PI - logNorm[i];
      });
      return logSumExp(terms);
    },
  };
}

/**
 * The neighbour-rule bandwidths of `observations` (the prior at 0.5 is counted as a neighbour but not
 * returned), as Optuna's univariate defaults (consider_endpoints=False, consider_magic_clip=True): sort
 * the kernel centres, prior included, and give each the larger of the gaps to its two neighbours; the
 * lowest and the highest centre have one neighbour only and take that gap (the range ends are not
 * neighbours: counting them made the outermost kernels as wide as their distance to the end, so a good
 * cluster near an edge, common for learning rates, could not be exploited); then clip to
 * [1 / min(100, k + 1), 1], k the number of kernels, so that tight clusters cannot collapse into spikes.
 */
export function neighbourBandwidths(observations: readonly number[]): number[] {
  const centres = [...observations, 0.5];
  const order = centres.map((_, i) => i).sort((a, b) => centres[a] - centres[b] || a - b);
  const minSigma = 1 / Math.min(100, centres.length + 1);
  const sigmas = new Array<number>(centres.length);
  order.forEach((idx, rank) => {
    const left = rank === 0 ? 0 : centres[idx] - centres[order[rank - 1]];
    const right = rank === order.length - 1 ? 0 : centres[order[rank + 1]] - centres[idx];
    // (with no observations the prior is alone and gets 0, clipped up; its bandwidth is replaced by 1 anyway)
    const gap = Math.max(left, right);
    sigmas[idx] = Math.min(1, Math.max(minSigma, gap));
  });
  return sigmas.slice(0, observations.length);
}

/**
 * Optuna's default observation weights: with n > 25 observations (given oldest first), the newest 25
 * weigh 1 and the older ones ramp linearly from 1 / n (the oldest) towards 1, so that l(x) and g(x)
 * follow where the search is now rather than where its random start happened to land. Fewer than 26
 * observations all weigh 1.
 */
export function observationWeights(n: number): number[] {
  if (n <= FULL_WEIGHT_NEWEST) return new Array<number>(n).fill(1);
  const ramp = n - FULL_WEIGHT_NEWEST;
  // numpy's linspace(1 / n, 1, ramp): a single ramp point is the start, 1 / n
  const rampWeights = Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1)));
  return [...rampWeights, ...new Array<number>(FULL_WEIGHT_NEWEST).fill(1)];
}

/** the observations' weights (default 1) followed by the prior's */
function mixtureWeights(n: number, weights: readonly number[] | undefined): number[] {
  if (weights !== undefined && weights.length !== n) throw new Error(`parzen: ${weights.length} weights for ${n} observations`);
  return [...(weights ?? new Array<number>(n).fill(1)), PRIOR_WEIGHT];
}

/**
 * Smoothed category frequencies, as Optuna's categorical Parzen estimator: each observation is a kernel
 * that puts 1 on its category plus PRIOR_WEIGHT / (m + 1) on every category (m observations), normalised
 * to a distribution; the prior is the uniform distribution. The mixture weighs the kernels by `weights`
 * (default 1 each) and the prior by PRIOR_WEIGHT. Smoothing every kernel (not only adding the prior once)
 * keeps a category that the good trials never took from looking hopeless after a few unlucky early
 * trials, so TPE keeps trying it now and then instead of locking onto the first branch that looked good.
 */
export function categoricalParzen(n: number, observations: readonly number[], weights?: readonly number[]): ParzenEstimator<number> {
  const w = mixtureWeights(observations.length, weights);
  const total = w.reduce((a, b) => a + b, 0);
  const smoothing = PRIOR_WEIGHT / (observations.length + 1);
  const probs = new Array<number>(n).fill(PRIOR_WEIGHT / n / total); // the prior's share
  observations.forEach((k, i) => {
    const share = w[i] / total / (1 + n * smoothing);
    for (let c = 0; c < n; c++) probs[c] += share * smoothing;
    probs[k] += share;
  });
  return {
    sample: (rng) => pickIndex(rng, probs, 1),
    logPdf: (k) => Math.log(probs[k]),
  };
}

/** one coordinate of a multivariate estimator: numeric on [0, 1], or a categorical index 0..n-1 */
export type JointDimension = { kind: "numeric" } | { kind: "categorical"; n: number };

/** the bandwidth factor of Scott's rule in Optuna's multivariate TPE (SIGMA0_MAGNITUDE) */
const SCOTT_FACTOR = 0.2;

/**
 * A multivariate Parzen estimator (Falkner et al. 2018, BOHB; Optuna's multivariate TPE): one product
 * kernel per observation (a point with one coordinate per dimension) plus a prior product kernel, mixed
 * with `weights` (default 1 each) and PRIOR_WEIGHT. Numeric coordinates get truncated Gaussians on
 * [0, 1] with one bandwidth for every kernel, Scott's rule 0.2 n^(-1 / (d + 4)) (n observations, d
 * dimensions), clipped like the univariate ones to [1 / min(100, n + 2), 1]; the prior's is N(0.5, 1).
 * Categorical coordinates get the smoothed rows of `categoricalParzen`. Because a kernel ties the
 * coordinates of one observation together, l(x) / g(x) rewards combinations of values seen together in
 * good trials, which the univariate estimators (a product of per-parameter marginals) cannot see.
 *
 * `sample` draws from the observations' kernels only, not from the prior (which still counts in
 * `logPdf`). TPE keeps the candidate with the largest l(x) / g(x), and in d dimensions most of the
 * prior's draws land where neither estimator has data: there both are their prior alone, so the ratio
 * is the ratio of the prior weights, (n_bad + 1) / (n_good + 1), about 8 at 50 trials, which beats a
 * candidate next to a good trial whenever a bad trial lies within a bandwidth of it. With d = 6 a prior
 * draw won the argmax in most trials and TPE kept sampling empty corners instead of refining its good
 * region. Exploration is left to the startup trials and to the bandwidths (Scott's rule keeps them wide).
 */
export function multivariateParzen(dims: readonly JointDimension[], observations: readonly (readonly number[])[], weights?: readonly number[]): ParzenEstimator<number[]> {
  const n = observations.length;
  const w = mixtureWeights(n, weights);
  const total = w.reduce((a, b) => a + b, 0);
  const logWeights = w.map((x) => Math.log(x / total));
  const minSigma = 1 / Math.min(100, n + 2);
  const sigma = Math.min(1, Math.max(minSigma, SCOTT_FACTOR * Math.max(n, 1) ** (-1 / (dims.length + 4))));
  const smoothing = PRIOR_WEIGHT / (n + 1);
  // per dimension, per kernel (the prior last): the numeric centre, bandwidth and log truncation mass, or
  // the categorical row's probabilities
  const kernels = dims.map((dim, d) => {
    if (dim.kind === "categorical") {
      const rows = observations.map((obs) => {
        const row = new Array<number>(dim.n).fill(smoothing / (1 + dim.n * smoothing));
        row[obs[d]] += 1 / (1 + dim.n * smoothing);
        return row;
      });
      rows.push(new Array<number>(dim.n).fill(1 / dim.n));
      return { kind: "categorical" as const, rows };
    }
    const mus = [...observations.map((obs) => obs[d]), 0.5];
    const sigmas = mus.map((_, i) => (i === n ? 1 : sigma));
    const logNorm = mus.map((mu, i) => Math.log(normalCdf((1 - mu) / sigmas[i]) - normalCdf((0 - mu) / sigmas[i])));
    return { kind: "numeric" as const, mus, sigmas, logNorm };
  });
  return {
    sample(rng) {
      // from the observations' kernels only (see above); the prior only when there are none
      const k = n > 0 ? pickIndex(rng, w, total - PRIOR_WEIGHT) : n;
      return kernels.map((kernel) => {
        if (kernel.kind === "categorical") return pickIndex(rng, kernel.rows[k], 1);
        for (;;) {
          const x = rng.normal(kernel.mus[k], kernel.sigmas[k]);
          if (x >= 0 && x <= 1) return x;
        }
      });
    },
    logPdf(x) {
      const terms = logWeights.map((lw, k) => {
        let sum = lw;
        kernels.forEach((kernel, d) => {
          if (kernel.kind === "categorical") {
            sum += Math.log(kernel.rows[k][x[d]]);
          } else {
            const z = (x[d] - kernel.mus[k]) / kernel.sigmas[k];
            sum += -0.5 * z * z - Math.log(kernel.sigmas[k]) - LOG_SQRT_2PI - kernel.logNorm[k];
          }
        });
        return sum;
      });
      return logSumExp(terms);
    },
  };
}

function pickIndex(rng: Rng, weights: readonly number[], total: number): number {
  let r = rng.float() * total;
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i];
    if (r < 0) return i;
  }
  return weights.length - 1; // r can survive the loop only through rounding
}

function logSumExp(xs: readonly number[]): number {
  const max = Math.max(...xs);
  if (max === -Infinity) return -Infinity;
  return max + Math.log(xs.reduce((acc, x) => acc + Math.exp(x - max), 0));
}
