import { createRng, type Rng } from "../../automl/rng";
import type { FitInput, Matrix, Task } from "../family";

/** Synthetic data for the model families' tests (imported by them only); each family's test-data.ts builds its data sets from these. */

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
