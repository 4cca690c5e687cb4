import { createRng } from "../../automl/rng";
import type { Matrix, Task } from "../../models/family";
import { subsetRows, subsetValues } from "./common";

/** Seeded synthetic data for the selection tests. */

export const BINARY: Task = { type: "binary", classes: ["no", "yes"] };
export const MULTICLASS: Task = { type: "multiclass", classes: ["a", "b", "c"] };
export const REGRESSION: Task = { type: "regression", classes: [] };

export interface Synthetic {
  x: Matrix;
  y: Float32Array;
  featureNames: string[];
  /** indices of the features the label depends on */
  informative: number[];
}

/**
 * `informative` standard-normal features the label depends on, then `noise` independent ones, columns shuffled so
 * the informative ones are not simply the first. The label is a noisy function of the informative features: a
 * linear score plus a smaller non-linear part (x0 * x1, x2^2), then Bernoulli (binary), argmax with noise
 * (multiclass) or Gaussian noise (regression).
 */
export function synthetic(opts: { rows: number; informative: number; noise: number; task: Task; seed: number; strength?: number }): Synthetic {
  const rng = createRng(opts.seed);
  const p = opts.informative + opts.noise;
  const perm = Array.from({ length: p }, (_, i) => i);
  for (let i = p - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  const informative = perm.slice(0, opts.informative).sort((a, b) => a - b);
  const data = new Float32Array(opts.rows * p);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const y = new Float32Array(opts.rows);
  const s = opts.strength ?? 1;
  const weights = [1.2, -1.0, 0.9, -0.8, 0.7, 0.6, -0.6, 0.5];
  for (let i = 0; i < opts.rows; i++) {
    const v = informative.map((j) => data[i * p + j]);
    let lin = 0;
    v.forEach((t, k) => (lin += weights[k % weights.length] * t));
    const nonlin = v.length >= 3 ? 0.3 * v[0] * v[1] + 0.2 * (v[2] * v[2] - 1) : 0;
    const score = s * (lin + nonlin);
    if (opts.task.type === "binary") y[i] = rng.float() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
    else if (opts.task.type === "regression") y[i] = score + rng.normal(0, 1);
    else {
      const k = opts.task.classes.length;
      // class scores: each class leans on a different informative feature, plus Gumbel-like noise
      let bestC = 0;
      let bestS = -Infinity;
      for (let c = 0; c < k; c++) {
        const sc = s * 1.5 * v[c % v.length] * (c % 2 === 0 ? 1 : -1) + s * 0.5 * lin * (c === 0 ? 1 : 0) + rng.normal(0, 1);
        if (sc > bestS) {
          bestS = sc;
          bestC = c;
        }
      }
      y[i] = bestC;
    }
  }
  return { x: { rows: opts.rows, cols: p, data }, y, featureNames: Array.from({ length: p }, (_, j) => `f${j}`), informative };
}

/** `rows` x `cols` standard-normal noise and a fair random binary label */
export function pureNoise(rows: number, cols: number, seed: number): Synthetic {
  const rng = createRng(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = rng.float() < 0.5 ? 1 : 0;
  return { x: { rows, cols, data }, y, featureNames: Array.from({ length: cols }, (_, j) => `n${j}`), informative: [] };
}

/** the given rows of x (and y) as their own matrix */
export function takeRows(x: Matrix, y: Float32Array, rows: ArrayLike<number>): { x: Matrix; y: Float32Array } {
  return { x: subsetRows(x, rows), y: subsetValues(y, rows) };
}
