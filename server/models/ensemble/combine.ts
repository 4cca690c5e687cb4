import type { Matrix, Task } from "../family";

/**
 * How members' predictions are combined. Each prediction array is what a candidate predicts: row-major probabilities
 * rows x classes (classification) or one value per row (regression), the same rows in the same order for every member.
 */

/** the weighted average of the members' predictions (greedy selection's weights sum to 1, so probabilities stay ones) */
export function weightedAverage(preds: readonly Float32Array[], weights: readonly number[]): Float32Array {
  const out = new Float32Array(preds[0].length);
  preds.forEach((p, m) => {
    for (let i = 0; i < out.length; i++) out[i] += weights[m] * p[i];
  });
  return out;
}

/** a bag's prediction: the plain average of its fold models' (one model: its own), as weightedAverage computes it */
export function bagAverage(preds: readonly Float32Array[]): Float32Array {
  return preds.length === 1 ? preds[0] : weightedAverage(preds, preds.map(() => 1 / preds.length));
}

const EPS = 1e-6;
const clip = (p: number) => Math.min(1 - EPS, Math.max(EPS, p));

/**
 * The stacker's inputs, one row per data row: for a binary task each member's log-odds of the positive class, for
 * multiclass each member's log-probability of each class, for regression each member's prediction. Log-odds make a
 * logistic stacker's weights act like a weighted vote of the members' confidences rather than of capped probabilities.
 */
export function stackingFeatures(preds: readonly Float32Array[], task: Task): Matrix {
  const rows = task.type === "regression" ? preds[0].length : preds[0].length / task.classes.length;
  const k = task.classes.length;
  const perMember = task.type === "multiclass" ? k : 1;
  const cols = preds.length * perMember;
  const data = new Float32Array(rows * cols);
  preds.forEach((p, m) => {
    for (let i = 0; i < rows; i++) {
      const at = i * cols + m * perMember;
      if (task.type === "regression") data[at] = p[i];
      else if (task.type === "binary") {
        const q = clip(p[i * k + 1]);
        data[at] = Math.log(q / (1 - q));
      } else for (let c = 0; c < k; c++) data[at + c] = Math.log(clip(p[i * k + c]));
    }
  });
  return { rows, cols, data };
}
