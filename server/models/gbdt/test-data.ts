import { createRng, type Rng } from "../../automl/rng";
import type { FitInput, Matrix, Task } from "../family";

/** Synthetic data for this folder's tests (imported by them only). */

export const binaryTask: Task = { type: "binary", classes: ["neg", "pos"] };
export const multiclassTask: Task = { type: "multiclass", classes: ["a", "b", "c"] };
export const regressionTask: Task = { type: "regression", classes: [] };

/** rows x cols standard normal features, and a target from `label(row, rng)` (which may also rewrite the row) */
export function dataset(rows: number, cols: number, seed: number, label: (x: Float32Array, rng: Rng) => number): { x: Matrix; y: Float32Array } {
  const rng = createRng(seed);
  const data = new Float32Array(rows * cols);
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    const row = data.subarray(i * cols, (i + 1) * cols);
    for (let j = 0; j < cols; j++) row[j] = rng.normal();
    y[i] = label(row, rng);
  }
  return { x: { rows, cols, data }, y };
}

/** the first trainRows rows for training, the rest for validation */
export function split(task: Task, d: { x: Matrix; y: Float32Array }, trainRows: number): FitInput {
  const c = d.x.cols;
  return {
    task,
    xTrain: { rows: trainRows, cols: c, data: d.x.data.subarray(0, trainRows * c) },
    yTrain: d.y.subarray(0, trainRows),
    xVal: { rows: d.x.rows - trainRows, cols: c, data: d.x.data.subarray(trainRows * c) },
    yVal: d.y.subarray(trainRows),
  };
}

/** an interaction the trees must find: x0 + x1 * x2 + noise > 0 */
export const binaryData = (rows = 2500) => split(binaryTask, dataset(rows, 6, 1, (x, rng) => (x[0] + x[1] * x[2] + 0.3 * rng.normal() > 0 ? 1 : 0)), Math.round(rows * 0.8));
export const multiclassData = () => split(multiclassTask, dataset(2400, 6, 3, (x) => (x[0] + 0.5 * x[1] > 0.6 ? 2 : x[0] - x[2] < -0.4 ? 0 : 1)), 1800);
export const regressionData = () =>
  split(regressionTask, dataset(2500, 6, 2, (x, rng) => 100 + 40 * (x[0] - 0.5 * x[1] + Math.sin(2 * x[2]) + x[3] * x[4] + 0.1 * rng.normal())), 2000);
