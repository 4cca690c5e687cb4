import * as tf from "@tensorflow/tfjs";
import type { Matrix, Task } from "../family";

/**
 * Prediction for both network families (tfjs-mlp, nas): their layers models end in the same heads (a sigmoid unit,
 * a softmax, or a linear unit on a standardised target), so reading the outputs as a task's predictions is shared.
 */

/** Regression targets are standardised for training; predictions are mapped back with this. */
export interface TargetScaler {
  mean: number;
  std: number;
}

/** Rows per forward pass at inference: large enough to amortise per-op overhead, small enough for memory. */
const PREDICT_CHUNK = 8192;

/** binary: rows x 2 probabilities; multiclass: rows x k; regression: one value per row, in target units */
export function predictTask(model: tf.LayersModel, x: Matrix, outputs: number, task: Task, scaler: TargetScaler | null): Float32Array {
  const raw = predictOutputs(model, x, outputs);
  if (task.type === "binary") {
    const out = new Float32Array(x.rows * 2);
    for (let i = 0; i < x.rows; i++) {
      out[2 * i] = 1 - raw[i];
      out[2 * i + 1] = raw[i];
    }
    return out;
  }
  if (task.type === "regression" && scaler) {
    const { mean, std } = scaler;
    for (let i = 0; i < raw.length; i++) raw[i] = raw[i] * std + mean;
  }
  return raw;
}

/** The model's raw outputs (probabilities or standardised values), rows x outputs, in chunks. */
function predictOutputs(model: tf.LayersModel, x: Matrix, outputs: number): Float32Array {
  const out = new Float32Array(x.rows * outputs);
  for (let start = 0; start < x.rows; start += PREDICT_CHUNK) {
    const rows = Math.min(PREDICT_CHUNK, x.rows - start);
    const values = tf.tidy(() => {
      const input = tf.tensor2d(x.data.subarray(start * x.cols, (start + rows) * x.cols), [rows, x.cols]);
      return (model.predict(input, { batchSize: rows }) as tf.Tensor).dataSync();
    });
    out.set(values, start * outputs);
  }
  return out;
}
