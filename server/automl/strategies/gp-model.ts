/**
 * Gaussian-process regression for the GP strategy, in plain Float64Array maths (no dependency; d <= ~30
 * and n <= a few hundred, so an O(n^3) Cholesky per fit is cheap). Zero prior mean: callers standardise y.
 *
 * Kernel: Matérn 5/2 with one lengthscale per input (ARD), a signal variance and Gaussian noise:
 *   k(x, x') = s2 (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r),  r^2 = sum_i ((x_i - x'_i) / l_i)^2
 * Hyperparameters live in log space and are fitted by maximising the log marginal likelihood with Adam
 * on its analytic gradient, from a few seeded starts (cheaper and steadier than finite differences,
 * which would cost d + 2 extra Cholesky factorisations per step).
 */
import { cholesky } from "../math/cholesky";
import type { Rng } from "../rng";

/** points are rows of length d */
export type Points = readonly Float64Array[];

export interface GpHyper {
  logLengthscales: Float64Array;
  logSignal: number;
  logNoise: number;
}

export interface Prediction {
  mean: number;
  variance: number;
}

export interface GpPosterior {
  predict(x: Float64Array): Prediction;
}

const SQRT5 = Math.sqrt(5);

/** the box hyperparameters are kept in: inputs live in [0, 1]^d and outputs are standardised */
const BOUNDS = {
  logLengthscale: [Math.log(0.01), Math.log(20)],
  logSignal: [Math.log(0.05), Math.log(20)],
  logNoise: [Math.log(1e-6), Math.log(1)],
} as const;

const clamp = (x: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, x));

/** scaled squared distance between a and b */
function scaledSq(a: Float64Array, b: Float64Array, invL: Float64Array): number {
  let r2 = 0;
  for (let i = 0; i < a.length; i++) {
    const t = (a[i] - b[i]) * invL[i];
    r2 += t * t;
  }
  return r2;
}

function matern(r2: number, s2: number): number {
  const r = Math.sqrt(r2);
  return s2 * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

const inverseLengthscales = (h: GpHyper) => h.logLengthscales.map((l) => Math.exp(-l));

/** solves L x = b (L lower triangular) */
function forward(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** solves L^T x = b */
function backward(l: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}

/** K + noise I, and its Cholesky factor (with growing jitter if rounding makes K indefinite) */
function factorise(x: Points, h: GpHyper): { k: Float64Array; l: Float64Array } {
  const n = x.length;
  const invL = inverseLengthscales(h);
  const s2 = Math.exp(h.logSignal);
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) k[i * n + j] = k[j * n + i] = matern(scaledSq(x[i], x[j], invL), s2);
    k[i * n + i] = s2;
  }
  const noise = Math.exp(h.logNoise);
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 * s2 : jitter * 10) {
    const a = k.slice();
    for (let i = 0; i < n; i++) a[i * n + i] += noise + jitter;
    const l = cholesky(a, n);
    if (l) return { k, l };
    if (jitter > s2) throw new Error("gp: kernel matrix is not positive definite even with jitter");
  }
}

/** The log marginal likelihood of y under the GP and its gradient (order: log lengthscales, log signal, log noise). */
export function logMarginalLikelihood(x: Points, y: Float64Array, h: GpHyper): { value: number; grad: Float64Array } {
  const n = x.length;
  const d = h.logLengthscales.length;
  const { k, l } = factorise(x, h);
  const alpha = backward(l, n, forward(l, n, y));
  let value = -0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value -= 0.5 * y[i] * alpha[i] + Math.log(l[i * n + i]);

  // W = alpha alpha^T - K^-1; dLML/dtheta = 0.5 sum_ij W_ij dK_ij/dtheta
  const kinv = new Float64Array(n * n);
  for (let c = 0; c < n; c++) {
    const e = new Float64Array(n);
    e[c] = 1;
    const col = backward(l, n, forward(l, n, e));
    for (let r = 0; r < n; r++) kinv[r * n + c] = col[r];
  }
  const grad = new Float64Array(d + 2);
  const invL = inverseLengthscales(h);
  const s2 = Math.exp(h.logSignal);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const w = alpha[i] * alpha[j] - kinv[i * n + j];
      grad[d] += 0.5 * w * k[i * n + j]; // dK/dlog s2 = K without noise
      if (i === j) {
        grad[d + 1] += 0.5 * w * Math.exp(h.logNoise);
        continue;
      }
      // dk/dlog l_m = s2 (5/3) (1 + sqrt5 r) exp(-sqrt5 r) ((x_m - x'_m) / l_m)^2
      const r = Math.sqrt(scaledSq(x[i], x[j], invL));
      const common = 0.5 * w * s2 * (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
      for (let m = 0; m < d; m++) {
        const t = (x[i][m] - x[j][m]) * invL[m];
        grad[m] += common * t * t;
      }
    }
  }
  return { value, grad };
}

function toVector(h: GpHyper): Float64Array {
  return Float64Array.from([...h.logLengthscales, h.logSignal, h.logNoise]);
}

function fromVector(v: Float64Array): GpHyper {
  const d = v.length - 2;
  return {
    logLengthscales: v.slice(0, d).map((l) => clamp(l, BOUNDS.logLengthscale)),
    logSignal: clamp(v[d], BOUNDS.logSignal),
    logNoise: clamp(v[d + 1], BOUNDS.logNoise),
  };
}

export interface FitOptions {
  /** random starts besides the default one */
  restarts?: number;
  /** Adam steps per start */
  steps?: number;
}

/** Kernel hyperparameters maximising the log marginal likelihood (seeded restarts; deterministic for a seeded rng). */
export function fitHyperparameters(x: Points, y: Float64Array, d: number, rng: Rng, options: FitOptions = {}): GpHyper {
  const { restarts = 2, steps = 60 } = options;
  const uniform = ([lo, hi]: readonly [number, number]) => lo + rng.float() * (hi - lo);
  const starts: GpHyper[] = [{ logLengthscales: new Float64Array(d).fill(Math.log(0.3)), logSignal: 0, logNoise: Math.log(1e-3) }];
  for (let r = 0; r < restarts; r++) {
    starts.push({
      logLengthscales: Float64Array.from({ length: d }, () => uniform([Math.log(0.05), Math.log(2)])),
      logSignal: uniform([Math.log(0.3), Math.log(3)]),
      logNoise: uniform([Math.log(1e-5), Math.log(0.1)]),
    });
  }
  let best: { h: GpHyper; value: number } | null = null;
  for (const start of starts) {
    const fitted = adam(x, y, start, steps);
    if (!best || fitted.value > best.value) best = fitted;
  }
  return (best as { h: GpHyper }).h;
}

/** gradient ascent with Adam, projected onto the hyperparameter box; returns the best point visited */
function adam(x: Points, y: Float64Array, start: GpHyper, steps: number): { h: GpHyper; value: number } {
  const lr = 0.1;
  let v = toVector(start);
  const m1 = new Float64Array(v.length);
  const m2 = new Float64Array(v.length);
  let best = { h: start, value: -Infinity };
  for (let t = 1; t <= steps; t++) {
    const h = fromVector(v);
    const { value, grad } = logMarginalLikelihood(x, y, h);
    if (value > best.value) best = { h, value };
    v = toVector(h); // projected
    for (let i = 0; i < v.length; i++) {
      m1[i] = 0.9 * m1[i] + 0.1 * grad[i];
      m2[i] = 0.999 * m2[i] + 0.001 * grad[i] * grad[i];
      v[i] += (lr * (m1[i] / (1 - 0.9 ** t))) / (Math.sqrt(m2[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  }
  return best;
}

/** The posterior of the GP given (x, y) and fixed hyperparameters. */
export function gpPosterior(x: Points, y: Float64Array, h: GpHyper): GpPosterior {
  const n = x.length;
  const { l } = factorise(x, h);
  const alpha = backward(l, n, forward(l, n, y));
  const invL = inverseLengthscales(h);
  const s2 = Math.exp(h.logSignal);
  return {
    predict(point) {
      const kStar = new Float64Array(n);
      for (let i = 0; i < n; i++) kStar[i] = matern(scaledSq(point, x[i], invL), s2);
      let mean = 0;
      for (let i = 0; i < n; i++) mean += kStar[i] * alpha[i];
      const v = forward(l, n, kStar);
      let explained = 0;
      for (let i = 0; i < n; i++) explained += v[i] * v[i];
      return { mean, variance: Math.max(0, s2 - explained) };
    },
  };
}

/** Expected improvement over `best` for a maximised objective. */
export function expectedImprovement({ mean, variance }: Prediction, best: number): number {
  const sd = Math.sqrt(variance);
  const gain = mean - best;
  if (sd < 1e-12) return Math.max(0, gain);
  const z = gain / sd;
  return gain * normalCdf(z) + sd * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/** Φ(z) via the complementary error function (Numerical Recipes' erfc, relative error < 1.2e-7) */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851973 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - 0.5 * erfc : 0.5 * erfc;
}
