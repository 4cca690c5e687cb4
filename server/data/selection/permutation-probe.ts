import { createRng, deriveSeed } from "../../automl/rng";
import type { Matrix, Task } from "../../models/family";
import { holdoutSplit, shuffleInPlace, subsetRows, subsetValues } from "./common";
import { fitL1Linear, linearScores, rowLosses } from "./l1-linear";

/**
 * Permutation importance against random probes (the "shadow feature" idea of Boruta, with a single fit).
 *
 * K probe columns are appended, each a seeded shuffle of a randomly chosen real column (same distribution as a
 * real feature, no relation to the label). The training rows given are split (stratified) into a fitting part and a
 * held-out part; the L1 linear model (lambda by the "min" rule, so that the model rather than the penalty keeps
 * borderline features and the permutation test judges them) is fitted on the fitting part, with the probes. On the
 * held-out part each column is shuffled `repeats` times and its importance is the mean rise of the loss (log loss or
 * squared error). A real feature is kept when its importance beats the chosen quantile of the probes' importances
 * (default: the best probe) and is above 0. With K probes, a noise feature beats the best of them with probability
 * about 1 / (K + 1), and only when the model gave it a non-zero weight.
 *
 * The model is linear in the features: a feature that acts only through a non-linear effect with no linear part
 * (x^2 around a symmetric x) is invisible to it; the mutual-information filter sees those.
 */

export interface ProbeOptions {
  seed: number;
  /** probe columns; default: as many as the features, at least 10 and at most 100 */
  probes?: number;
  /** share of the rows held out for the importances; default 0.3 */
  holdoutFraction?: number;
  /** shuffles per column; default 5 */
  repeats?: number;
  /** quantile of the probe importances to beat, in (0, 1]; default 1 (the best probe) */
  probeQuantile?: number;
}

export interface ProbeResult {
  /** per real feature: mean rise of the held-out loss when the column is shuffled */
  importance: Float64Array;
  probeImportance: Float64Array;
  /** a feature is kept when its importance is above this (and above 0) */
  threshold: number;
  /** the held-out loss of the model, unshuffled */
  baseLoss: number;
  heldOutRows: number;
}

export function defaultProbeCount(features: number): number {
  return Math.max(10, Math.min(100, features));
}

function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export function permutationProbe(x: Matrix, y: Float32Array, task: Task, opts: ProbeOptions): ProbeResult {
  const n = x.rows;
  const p = x.cols;
  const k = opts.probes ?? defaultProbeCount(p);
  const repeats = opts.repeats ?? 5;
  const q = opts.probeQuantile ?? 1;
  if (!(q > 0 && q <= 1)) throw new Error(`probeQuantile must be in (0, 1], got ${q}`);
  const rng = createRng(deriveSeed(opts.seed, "probe"));

  // the real columns, then the probes
  const width = p + k;
  const data = new Float32Array(n * width);
  for (let i = 0; i < n; i++) data.set(x.data.subarray(i * p, (i + 1) * p), i * width);
  const order = new Int32Array(n);
  for (let c = 0; c < k; c++) {
    const source = p > 0 ? rng.int(0, p - 1) : 0;
    for (let i = 0; i < n; i++) order[i] = i;
    shuffleInPlace(order, rng);
    for (let i = 0; i < n; i++) data[i * width + p + c] = p > 0 ? x.data[order[i] * p + source] : rng.normal();
  }
  const xa: Matrix = { rows: n, cols: width, data };

  const { fit, hold } = holdoutSplit(y, task, opts.holdoutFraction ?? 0.3, rng);
  const model = fitL1Linear(subsetRows(xa, fit), subsetValues(y, fit), task, { seed: deriveSeed(opts.seed, "probe-model"), rule: "min" });
  const m = hold.length;
  const outs = model.outputs;
  const yHold = subsetValues(y, hold);
  const scores = linearScores(model, xa, hold);
  const base = rowLosses(task.type, outs, scores, yHold);
  let baseLoss = 0;
  for (const l of base) baseLoss += l;
  baseLoss /= Math.max(m, 1);

  const importance = new Float64Array(width);
  const shuffled = new Float64Array(scores.length);
  const perm = new Int32Array(m);
  for (let j = 0; j < width; j++) {
    let used = false;
    for (let o = 0; o < outs; o++) if (model.rawCoef[o][j] !== 0) used = true;
    if (!used || m === 0) continue; // a column the model ignores changes nothing when shuffled
    let total = 0;
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < m; i++) perm[i] = i;
      shuffleInPlace(perm, rng);
      // a linear model: shuffling column j moves each score by w_j * (x_perm - x)
      for (let i = 0; i < m; i++) {
        const delta = xa.data[hold[perm[i]] * width + j] - xa.data[hold[i] * width + j];
        for (let o = 0; o < outs; o++) shuffled[i * outs + o] = scores[i * outs + o] + model.rawCoef[o][j] * delta;
      }
      const losses = rowLosses(task.type, outs, shuffled, yHold);
      let s = 0;
      for (const l of losses) s += l;
      total += s / m - baseLoss;
    }
    importance[j] = total / repeats;
  }
  const probeImportance = importance.slice(p);
  return {
    importance: importance.slice(0, p),
    probeImportance,
    threshold: Math.max(0, quantile(probeImportance, q)),
    baseLoss,
    heldOutRows: m,
  };
}
