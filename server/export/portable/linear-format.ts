import { z } from "zod";
import type { Matrix, Task } from "../../models/family";

/**
 * portable.json of the linear family (server/models/linear), also the form of an ensemble's stacker: a linear
 * model y = link(intercept + x . coef) on the model's input matrix (after preprocessing and feature selection).
 *
 * - `coef[c][j]`: output c's coefficient of input column j; `outputs` rows of `features` numbers each.
 *   outputs = 1 for regression and binary, the number of classes for multiclass (one weight vector per class).
 * - `intercept[c]`: output c's intercept.
 * - `link`: how scores become predictions.
 *   "logistic" (binary): p1 = 1 / (1 + exp(-score)), the prediction row is [1 - p1, p1] (column 1 = classes[1]).
 *   "softmax" (multiclass): the row is softmax(scores) over the classes, in class order.
 *   "identity" (regression): the score, then mapped back to target units by `target`.
 * - `target` (regression only, else null): the family trains on the target standardised by the training rows'
 *   mean and population standard deviation, so its coefficients are in standard deviations of the target; the
 *   prediction is score * std + mean. (Multiply coef and intercept by std and add mean to the intercept to read
 *   them in target units.) The inputs themselves are not standardised by the family: the preprocessing did that.
 *
 * Numbers are JSON numbers: doubles, which round-trip exactly. The studio computes scores in float64 from float32
 * inputs and stores predictions as float32.
 */
export const PortableLinear = z.object({
  kind: z.literal("linear"),
  family: z.literal("linear"),
  task: z.object({ type: z.enum(["binary", "multiclass", "regression"]), classes: z.array(z.string()) }),
  /** input columns */
  features: z.number().int().min(0),
  link: z.enum(["logistic", "softmax", "identity"]),
  /** outputs x features */
  coef: z.array(z.array(z.number())).min(1),
  /** one per output */
  intercept: z.array(z.number()).min(1),
  /** regression: prediction = score * std + mean */
  target: z.object({ mean: z.number(), std: z.number().positive() }).nullable(),
});
export type PortableLinear = z.infer<typeof PortableLinear>;

/** the link a task's linear model uses */
export const linkFor = (task: Pick<Task, "type">): PortableLinear["link"] =>
  task.type === "binary" ? "logistic" : task.type === "multiclass" ? "softmax" : "identity";

/**
 * The model's predictions: row-major probabilities rows x classes (binary: rows x 2), or one value per row. Bit for
 * bit the family's FittedLinear.predict: the same float64 arithmetic in the same order (linalg.ts's four partial
 * sums, objective.ts's overflow-safe sigmoid and max-shifted softmax), rounded to float32 at the end.
 */
export function predictLinear(model: PortableLinear, x: Matrix, task: Task): Float32Array {
  const d = model.features;
  const k = model.coef.length;
  if (x.cols !== d) throw new Error(`linear: expected ${d} columns, got ${x.cols}`);
  if (model.link !== linkFor(task)) throw new Error(`linear: a ${model.link} model cannot predict a ${task.type} task`);
  const expected = task.type === "multiclass" ? task.classes.length : 1;
  if (k !== expected || model.intercept.length !== k || model.coef.some((c) => c.length !== d)) {
    throw new Error(`linear: the model has ${k} outputs of ${d} features, the ${task.type} task needs ${expected}`);
  }
  const coef = model.coef.map((c) => Float64Array.from(c));
  const scores = new Float64Array(k);
  const width = task.type === "binary" ? 2 : k;
  const out = new Float32Array(x.rows * width);
  for (let r = 0; r < x.rows; r++) {
    for (let c = 0; c < k; c++) scores[c] = model.intercept[c] + dot(x.data, r * d, coef[c], d);
    const o = r * width;
    if (model.link === "identity") {
      const t = model.target ?? { mean: 0, std: 1 };
      out[o] = scores[0] * t.std + t.mean;
    } else if (model.link === "logistic") {
      const p = sigmoid(scores[0]);
      out[o] = 1 - p;
      out[o + 1] = p;
    } else softmaxInto(scores, out, o);
  }
  return out;
}

/** row . w with four partial sums, in the order of linalg.ts's linearScores (so the result is the same double) */
function dot(data: Float32Array, o: number, w: Float64Array, d: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const d4 = d - (d % 4);
  let j = 0;
  for (; j < d4; j += 4) {
    s0 += data[o + j] * w[j];
    s1 += data[o + j + 1] * w[j + 1];
    s2 += data[o + j + 2] * w[j + 2];
    s3 += data[o + j + 3] * w[j + 3];
  }
  for (; j < d; j++) s0 += data[o + j] * w[j];
  return s0 + s1 + (s2 + s3);
}

/** 1 / (1 + e^-z) without overflow */
function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/** softmax of z into out[o..o+k), shifted by the first largest score, whose term is exactly 1 */
function softmaxInto(z: Float64Array, out: Float32Array, o: number): void {
  const k = z.length;
  let top = 0;
  for (let c = 1; c < k; c++) if (z[c] > z[top]) top = c;
  const e = Array.from(z, (v, c) => (c === top ? 1 : Math.exp(v - z[top])));
  let others = 0;
  for (let c = 0; c < k; c++) if (c !== top) others += e[c];
  const inv = 1 / (1 + others);
  for (let c = 0; c < k; c++) out[o + c] = e[c] * inv;
}
