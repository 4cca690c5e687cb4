import type { Task } from "../models/family";

export type ClassWeightMode = "none" | "balanced";

/**
 * Per-row training weights that counter class imbalance. "balanced" is scikit-learn's class_weight="balanced":
 * a row of class c weighs n / (k * n_c), k the number of classes present, so every class carries the same total
 * weight and the weights average 1 (the loss keeps its unweighted scale). "none", or a regression task, gives
 * undefined: the family then trains unweighted, at no extra cost.
 */
export function sampleWeights(y: Float32Array, task: Task, mode: ClassWeightMode): Float32Array | undefined {
  if (mode === "none" || task.type === "regression") return undefined;
  const k = task.type === "binary" ? 2 : task.classes.length;
  const counts = new Float64Array(k);
  for (let i = 0; i < y.length; i++) {
    const c = y[i];
    if (!(Number.isInteger(c) && c >= 0 && c < k)) throw new Error(`class weights: class code ${c} at row ${i} is not in [0, ${k})`);
    counts[c]++;
  }
  const present = counts.filter((n) => n > 0).length;
  const perClass = Array.from(counts, (n) => (n > 0 ? y.length / (present * n) : 0));
  return Float32Array.from(y, (c) => perClass[c]);
}
