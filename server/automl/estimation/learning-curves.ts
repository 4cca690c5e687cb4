/**
 * Learning-curve extrapolation (Domhan et al. 2015): from a trial's validation scores at epochs 1..t, predict the
 * best score it will reach by its last epoch T, with an uncertainty, so that a stopping rule can drop a trial that
 * is unlikely to beat the best finished one.
 *
 * Five saturating families from Domhan et al.'s list, each written as f(x) = c - a g(x), with a > 0 and g falling
 * to 0 (so every model rises towards its asymptote c, and c and a make it invariant to the metric's offset and
 * scale, which a loss or an RMSE has and an accuracy does not):
 *   pow3       g = x^-alpha                 a power law
 *   exp3       g = 2^(-x/h)                 a geometric approach with half-life h
 *   ilog2      g = 1 / ln(x + 1)            slow, logarithmic growth (the optimist of the set)
 *   mmf        g = 1 / (1 + (x/h)^delta)    Morgan-Mercer-Flodin: sigmoidal in log x, power-law tail
 *   janoschek  g = 2^(-(x/h)^delta)         Weibull-type: sigmoidal in x
 * Shape parameters are fitted in log space inside a box, so no fit can overflow, and each has a weak Gaussian prior
 * (the fit is a MAP estimate by Levenberg-Marquardt): without it a flat or short curve leaves shapes unidentified.
 * Starts come from a grid of shapes with c and a solved linearly, so the fit is deterministic and needs no rng.
 *
 * Instead of Domhan et al.'s MCMC, each model's uncertainty is the Laplace approximation at its optimum (the
 * delta method: var f(x) = grad' H^-1 grad) plus the residual noise. The models are weighted by how well each,
 * fitted to the first two thirds of the curve, predicts the last third (leave-future-out predictive density,
 * Bürkner et al. 2020): in-sample fit would favour the flexible families, not the ones that extrapolate.
 *
 * The score a trial reports is its best epoch's (training keeps the best weights), so the prediction is the largest
 * of the observed best and of the noisy scores still to come (see `finalBest`), mixed over the models. A curve that
 * falls (overfitting) is thus predicted to keep its best so far.
 *
 * Internally scores are "higher is better" and rescaled to the observed range [0, 1]; results are in the metric's
 * units and direction.
 */
import { cholesky } from "../math/cholesky";
import { normalCdf } from "../math/normal";

/** below this many epochs there is nothing to extrapolate from: `extrapolateCurve` returns null */
export const MIN_CURVE_POINTS = 4;

export const CURVE_MODELS = ["pow3", "exp3", "ilog2", "mmf", "janoschek"] as const;
export type CurveModelName = (typeof CURVE_MODELS)[number];

export interface CurveForecast {
  /** the best score the trial is predicted to reach by its last epoch (the best observed so far included) */
  final: { mean: number; sd: number };
  /** the best score observed so far */
  observedBest: number;
  /** the predicted curve at epochs 1..T (index epoch - 1) and its 95% band, for plotting beside the real one */
  curve: { mean: number[]; lower: number[]; upper: number[] };
  /** each model's weight in the ensemble (they sum to 1) */
  weights: Record<CurveModelName, number>;
}

/**
 * the residual noise assumed at least, as a fraction of the observed range: no family is exactly right, so even a
 * perfectly smooth curve is not extrapolated with certainty
 */
const NOISE_FLOOR = 0.01;
/** the fraction of the curve held out to weight the models */
const HOLDOUT_FRACTION = 1 / 3;
const Z95 = 1.959964;
const LN2 = Math.LN2;

/** one parameter in the fitted vector: its box and its Gaussian prior (in the same, possibly log, coordinate) */
interface Param {
  lo: number;
  hi: number;
  mean: number;
  sd: number;
  /** starting values tried (with c and a solved linearly for each combination) */
  grid: readonly number[];
}

interface Family {
  name: CurveModelName;
  /** the shape parameters for a curve of t points */
  shapes(t: number): Param[];
  /** g(x) for the shape parameters theta[2..] (after c and log a), writing dg/dtheta[j] into grad[j] for those */
  basis(x: number, theta: Float64Array, grad: Float64Array): number;
}

/** log half-life (epochs at which the model is half-way from its start to its asymptote): around the curve's length */
const halfLife = (t: number): Param => ({
  lo: Math.log(0.1),
  hi: Math.log(100 * t),
  mean: Math.log(t),
  sd: 2,
  grid: [0.1, 0.3, 1, 3].map((k) => Math.log(k * t)),
});
/** log steepness of the sigmoidal families: 1 is the plain exponential / hyperbolic shape */
const steepness: Param = { lo: Math.log(0.2), hi: Math.log(5), mean: 0, sd: 1, grid: [Math.log(0.5), 0, Math.log(2)] };

const FAMILIES: readonly Family[] = [
  {
    name: "pow3",
    shapes: () => [{ lo: Math.log(0.01), hi: Math.log(5), mean: Math.log(0.5), sd: 1.5, grid: [0.1, 0.3, 0.7, 1.5, 3].map(Math.log) }],
    basis(x, theta, grad) {
      const alphaLogX = Math.exp(theta[2]) * Math.log(x);
      const g = Math.exp(-alphaLogX);
      grad[2] = -g * alphaLogX;
      return g;
    },
  },
  {
    name: "exp3",
    shapes: (t) => [halfLife(t)],
    basis(x, theta, grad) {
      const q = LN2 * x * Math.exp(-theta[2]);
      const g = Math.exp(-q);
      grad[2] = g * q;
      return g;
    },
  },
  {
    name: "ilog2",
    shapes: () => [],
    basis: (x) => 1 / Math.log(x + 1),
  },
  {
    name: "mmf",
    shapes: (t) => [halfLife(t), steepness],
    basis(x, theta, grad) {
      const delta = Math.exp(theta[3]);
      const q = delta * (Math.log(x) - theta[2]); // g = sigmoid(-q), with dg/dq = -g (1 - g)
      const g = 1 / (1 + Math.exp(q));
      const slope = g * (1 - g);
      grad[2] = slope * delta;
      grad[3] = -slope * q;
      return g;
    },
  },
  {
    name: "janoschek",
    shapes: (t) => [halfLife(t), steepness],
    basis(x, theta, grad) {
      const delta = Math.exp(theta[3]);
      const q = delta * (Math.log(x) - theta[2]);
      const e = LN2 * Math.exp(q); // finite: the shapes' box bounds q
      const g = Math.exp(-e);
      const slope = e * g; // -dg/dq
      grad[2] = slope * delta;
      grad[3] = -slope * q;
      return g;
    },
  },
];

/** the asymptote c and log a, shared by every family (rescaled scores lie in [0, 1]) */
const COMMON: readonly Param[] = [
  { lo: -1e6, hi: 1e6, mean: 1, sd: 10, grid: [] },
  { lo: Math.log(1e-6), hi: Math.log(1e4), mean: 0, sd: 3, grid: [] },
];

/** a fitted model: its parameters and what prediction needs */
interface Fit {
  theta: Float64Array;
  /** residual noise of the model (at least the curve's) */
  sigma: number;
  /** the lower Cholesky factor of the posterior precision H at the optimum */
  chol: Float64Array;
}

/**
 * Forecasts a partial learning curve: `values[i]` is the validation score after epoch i + 1, `maxEpochs` the
 * epochs the trial will train in all. Null when fewer than MIN_CURVE_POINTS epochs are given. Deterministic.
 */
export function extrapolateCurve(values: readonly number[], maxEpochs: number, greaterIsBetter: boolean): CurveForecast | null {
  if (!values.every(Number.isFinite)) throw new Error("learning curve values must be finite numbers");
  if (!(Number.isInteger(maxEpochs) && maxEpochs >= values.length)) {
    throw new Error(`maxEpochs must be an integer >= the curve's ${values.length} epochs, got ${maxEpochs}`);
  }
  const t = values.length;
  if (t < MIN_CURVE_POINTS) return null;

  // higher is better, rescaled to [0, 1] (in halves, so that no finite range overflows); a constant curve keeps a
  // tiny scale so that it is predicted flat
  const sign = greaterIsBetter ? 1 : -1;
  const z = values.map((v) => sign * v);
  const lo = Math.min(...z);
  const halfSpan = Math.max(...z) / 2 - lo / 2;
  const half = halfSpan > 0 ? halfSpan : 1e-9 * Math.max(1, Math.abs(lo));
  const u = Float64Array.from(z, (v) => (v / 2 - lo / 2) / half);
  const toMetric = (v: number) => sign * (lo + half * v + half * v);
  const xs = Float64Array.from({ length: t }, (_, i) => i + 1);
  const noise = Math.max(NOISE_FLOOR, noiseLevel(u));
  const best = Math.max(...u);

  const fits = FAMILIES.map((family) => fitFamily(family, xs, u, noise));
  const weights = modelWeights(xs, u, noise);
  const final = mixture(weights, (k) => finalBest(FAMILIES[k], fits[k], noise, best, t, maxEpochs));
  const curve = { mean: [] as number[], lower: [] as number[], upper: [] as number[] };
  for (let x = 1; x <= maxEpochs; x++) {
    const { mean, sd } = mixture(weights, (k) => {
      const at = predict(FAMILIES[k], fits[k], x);
      return { mean: at.mean, variance: at.spread + fits[k].sigma ** 2 };
    });
    const ends = [mean - Z95 * sd, mean + Z95 * sd].map(toMetric);
    curve.mean.push(toMetric(mean));
    curve.lower.push(Math.min(...ends));
    curve.upper.push(Math.max(...ends));
  }

  return {
    final: { mean: toMetric(final.mean), sd: half * final.sd + half * final.sd },
    observedBest: sign * Math.max(...z),
    curve,
    weights: Object.fromEntries(CURVE_MODELS.map((name, k) => [name, weights[k]])) as Record<CurveModelName, number>,
  };
}

/**
 * Each family's weight: how well it predicts the last third of the curve when fitted to the rest (its predictive
 * log density there, leave-future-out), normalised.
 */
function modelWeights(xs: Float64Array, u: Float64Array, noise: number): number[] {
  const t = xs.length;
  const holdout = Math.max(1, Math.floor(t * HOLDOUT_FRACTION));
  const train = t - holdout;
  const logScores = FAMILIES.map((family) => {
    const fit = fitFamily(family, xs.subarray(0, train), u.subarray(0, train), noise);
    let lpd = 0;
    for (let i = train; i < t; i++) {
      const { mean, spread } = predict(family, fit, xs[i]);
      const variance = spread + fit.sigma ** 2;
      lpd -= 0.5 * (Math.log(2 * Math.PI * variance) + (u[i] - mean) ** 2 / variance);
    }
    // one fit's held-out errors move together (a parameter error shifts them all), so h of them are weaker
    // evidence than h independent points: tempering by sqrt(h) kept the one-sided 5% tail of the final's z-score
    // near 5% on simulated curves, where the plain sum was overconfident (7%) and the mean over-cautious
    return lpd / Math.sqrt(holdout);
  });
  const top = Math.max(...logScores);
  const raw = logScores.map((s) => Math.exp(s - top));
  const total = raw.reduce((a, b) => a + b, 0);
  return raw.map((w) => w / total);
}

/** mean and sd of the weighted mixture of the models' distributions (model k's mean and variance from `moments`) */
function mixture(weights: readonly number[], moments: (k: number) => { mean: number; variance: number }): { mean: number; sd: number } {
  let m1 = 0;
  let m2 = 0;
  weights.forEach((w, k) => {
    const { mean, variance } = moments(k);
    m1 += w * mean;
    m2 += w * (variance + mean * mean);
  });
  return { mean: m1, sd: Math.sqrt(Math.max(0, m2 - m1 * m1)) };
}

/**
 * The noise sd of an evenly spaced curve from its second differences (Gasser et al. 1986's pseudo-residuals, which
 * cancel a locally linear trend), through their median so that the sharp bend of an early, fast rise does not count.
 */
function noiseLevel(u: Float64Array): number {
  const pseudo: number[] = [];
  for (let i = 1; i + 1 < u.length; i++) pseudo.push(Math.abs(u[i - 1] - 2 * u[i] + u[i + 1]) / Math.sqrt(6));
  pseudo.sort((a, b) => a - b);
  const mid = pseudo.length >> 1;
  const median = pseudo.length % 2 ? pseudo[mid] : (pseudo[mid - 1] + pseudo[mid]) / 2;
  return median / 0.6745; // the median absolute deviation of a normal is 0.6745 sd
}

/** the model's value at x and its derivative in every parameter (c, log a, shapes) */
function evaluate(family: Family, theta: Float64Array, x: number, grad: Float64Array): number {
  const a = Math.exp(theta[1]);
  const g = family.basis(x, theta, grad);
  for (let j = 2; j < theta.length; j++) grad[j] *= -a;
  grad[0] = 1;
  grad[1] = -a * g;
  return theta[0] - a * g;
}

/** the model's mean at x and its variance from the parameters' uncertainty (an observation adds the noise) */
function predict(family: Family, fit: Fit, x: number): { mean: number; spread: number } {
  const p = fit.theta.length;
  const grad = new Float64Array(p);
  const mean = evaluate(family, fit.theta, x, grad);
  // grad' H^-1 grad = |L^-1 grad|^2
  let spread = 0;
  for (let i = 0; i < p; i++) {
    let s = grad[i];
    for (let k = 0; k < i; k++) s -= fit.chol[i * p + k] * grad[k];
    grad[i] = s / fit.chol[i * p + i];
    spread += grad[i] * grad[i];
  }
  return { mean, spread };
}

/**
 * Mean and variance of the best score a model predicts by epoch T: the largest of the observed best and of the
 * noisy scores of epochs t+1..T. The maximum of noisy epochs exceeds the curve near a plateau (by about two noise
 * sds over 30 epochs), and the incumbent's score is such a maximum too, so leaving it out would favour the
 * incumbent. Its distribution, P(max <= m) = prod_x Phi((m - f(x)) / sigma), is integrated on a grid with the
 * curve's noise, then widened by what moves the whole plateau at once: the parameters' uncertainty at T and the
 * model's misfit (a model that cannot follow the curve is off by much the same at every epoch, not at random).
 */
function finalBest(family: Family, fit: Fit, sigma: number, best: number, t: number, maxEpochs: number): { mean: number; variance: number } {
  if (maxEpochs === t) return { mean: best, variance: 0 };
  const means: number[] = [];
  for (let x = t + 1; x <= maxEpochs; x++) means.push(predict(family, fit, x).mean);
  const top = Math.max(...means);
  // epochs far below the top never hold the maximum
  const near = means.filter((m) => m > top - 10 * sigma);
  const steps = 64;
  const from = top - 6 * sigma;
  const h = (16 * sigma) / steps;
  let tail1 = 0; // integral of P(max > m) dm and of 2 m P(max > m) dm, from `from` (where P(max > m) ~ 1) upwards
  let tail2 = 0;
  for (let i = 0; i <= steps; i++) {
    const m = from + i * h;
    let cdf = 1;
    for (const mu of near) cdf *= normalCdf((m - mu) / sigma);
    const w = i === 0 || i === steps ? h / 2 : h;
    tail1 += w * (1 - cdf);
    tail2 += w * 2 * m * (1 - cdf);
  }
  const mean = from + tail1;
  const noiseVariance = Math.max(0, from * from + tail2 - mean * mean);
  const shift = predict(family, fit, maxEpochs).spread + fit.sigma ** 2 - sigma ** 2;
  return maxWithNormal(best, mean, Math.sqrt(noiseVariance + shift));
}

/** MAP fit of one family to the points (xs, u) with noise sd `noise`, by Levenberg-Marquardt from the best grid start */
function fitFamily(family: Family, xs: Float64Array, u: Float64Array, noise: number): Fit {
  const params = [...COMMON, ...family.shapes(xs.length)];
  const theta = gridStart(family, params, xs, u);
  const n = xs.length;
  const p = params.length;
  minimise(family, params, xs, u, noise, theta);
  // the model's own residual noise, if it fits worse than the curve's noise
  const grad = new Float64Array(p);
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (evaluate(family, theta, xs[i], grad) - u[i]) ** 2;
  const sigma = Math.max(noise, Math.sqrt(rss / Math.max(1, n - p)));
  const { jtj } = normalEquations(family, params, xs, u, sigma, theta);
  return { theta, sigma, chol: choleskyWithJitter(jtj, p) };
}

/** the best start on a grid of shapes, with c and a solved by linear least squares for each */
function gridStart(family: Family, params: readonly Param[], xs: Float64Array, u: Float64Array): Float64Array {
  const n = xs.length;
  const p = params.length;
  const um = u.reduce((a, b) => a + b, 0) / n;
  const g = new Float64Array(n);
  const scratch = new Float64Array(p);
  let bestSse = Infinity;
  let best = Float64Array.from(params, (q) => q.mean);
  const shapeGrid = params.slice(COMMON.length).reduce<number[][]>((acc, q) => acc.flatMap((c) => q.grid.map((v) => [...c, v])), [[]]);
  for (const shapes of shapeGrid) {
    const theta = Float64Array.from([0, 0, ...shapes]);
    for (let i = 0; i < n; i++) g[i] = family.basis(xs[i], theta, scratch);
    const gm = g.reduce((a, b) => a + b, 0) / n;
    let cov = 0;
    let vg = 0;
    for (let i = 0; i < n; i++) {
      cov += (g[i] - gm) * (u[i] - um);
      vg += (g[i] - gm) ** 2;
    }
    // u = c - a g: a rising curve has cov(g, u) < 0; a flat or falling one gets the smallest a
    const a = Math.min(Math.exp(params[1].hi), Math.max(Math.exp(params[1].lo), vg > 0 ? -cov / vg : 0));
    theta[0] = um + a * gm;
    theta[1] = Math.log(a);
    let sse = 0;
    for (let i = 0; i < n; i++) sse += (theta[0] - a * g[i] - u[i]) ** 2;
    if (sse < bestSse) {
      bestSse = sse;
      best = theta;
    }
  }
  return best;
}

/**
 * J'J and J'r of the MAP objective sum((f(x_i) - u_i) / noise)^2 + sum(((theta_j - mean_j) / sd_j)^2), and its
 * value: data rows and one prior row per parameter
 */
function normalEquations(family: Family, params: readonly Param[], xs: Float64Array, u: Float64Array, noise: number, theta: Float64Array) {
  const p = params.length;
  const jtj = new Float64Array(p * p);
  const jtr = new Float64Array(p);
  const grad = new Float64Array(p);
  let cost = 0;
  for (let i = 0; i < xs.length; i++) {
    const r = (evaluate(family, theta, xs[i], grad) - u[i]) / noise;
    cost += r * r;
    for (let j = 0; j < p; j++) {
      const gj = grad[j] / noise;
      jtr[j] += gj * r;
      for (let k = 0; k <= j; k++) jtj[j * p + k] += (gj * grad[k]) / noise;
    }
  }
  params.forEach((q, j) => {
    const r = (theta[j] - q.mean) / q.sd;
    cost += r * r;
    jtr[j] += r / q.sd;
    jtj[j * p + j] += 1 / q.sd ** 2;
  });
  for (let j = 0; j < p; j++) for (let k = 0; k < j; k++) jtj[k * p + j] = jtj[j * p + k];
  return { jtj, jtr, cost };
}

/** Levenberg-Marquardt with Marquardt's diagonal scaling, steps projected into the parameters' box; updates theta */
function minimise(family: Family, params: readonly Param[], xs: Float64Array, u: Float64Array, noise: number, theta: Float64Array): void {
  const p = params.length;
  let lambda = 1e-3;
  let { jtj, jtr, cost } = normalEquations(family, params, xs, u, noise, theta);
  for (let iter = 0; iter < 100 && lambda < 1e10; iter++) {
    const damped = jtj.slice();
    for (let j = 0; j < p; j++) damped[j * p + j] *= 1 + lambda;
    const step = solve(damped, jtr, p);
    const next = theta.map((v, j) => Math.min(params[j].hi, Math.max(params[j].lo, v - step[j])));
    const trial = normalEquations(family, params, xs, u, noise, next);
    if (trial.cost < cost) {
      const gain = cost - trial.cost;
      theta.set(next);
      ({ jtj, jtr, cost } = trial);
      lambda = Math.max(lambda / 3, 1e-9);
      if (gain < 1e-10 * (1 + cost)) return;
    } else lambda *= 4;
  }
}

/** solves A x = b for a small symmetric positive definite A (the prior rows make J'J so) */
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const l = choleskyWithJitter(a, n);
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) x[i] -= l[i * n + k] * x[k];
    x[i] /= l[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) x[i] -= l[k * n + i] * x[k];
    x[i] /= l[i * n + i];
  }
  return x;
}

/** the Cholesky factor of A, adding a growing ridge if rounding made A indefinite */
function choleskyWithJitter(a: Float64Array, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < n; i++) trace += a[i * n + i];
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-12 * (trace / n) : jitter * 10) {
    const shifted = a.slice();
    for (let i = 0; i < n; i++) shifted[i * n + i] += jitter;
    const l = cholesky(shifted, n);
    if (l) return l;
    if (!(jitter < trace)) throw new Error("learning curves: the normal equations are not positive definite");
  }
}

/** mean and variance of max(b, X) for X ~ N(mu, sd^2) (Clark 1961) */
function maxWithNormal(b: number, mu: number, sd: number): { mean: number; variance: number } {
  if (!(sd > 0)) return { mean: Math.max(b, mu), variance: 0 };
  const d = (mu - b) / sd;
  const above = normalCdf(d);
  const density = Math.exp(-0.5 * d * d) / Math.sqrt(2 * Math.PI);
  const mean = b * (1 - above) + mu * above + sd * density;
  const second = b * b * (1 - above) + (mu * mu + sd * sd) * above + (mu + b) * sd * density;
  return { mean, variance: Math.max(0, second - mean * mean) };
}
