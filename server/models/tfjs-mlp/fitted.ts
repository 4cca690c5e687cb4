import * as tf from "@tensorflow/tfjs";
import type { FittedModel, Matrix, Task } from "../family";
import type { Params } from "../../automl/space/suggest";
import type { NetSpec } from "./network";
import { saveMlp } from "./persist";

/** Regression targets are standardised for training; predictions are mapped back with this. */
export interface TargetScaler {
  mean: number;
  std: number;
}

/** Rows per forward pass at inference: large enough to amortise per-op overhead, small enough for memory. */
const PREDICT_CHUNK = 8192;

/** A trained MLP: a TensorFlow.js layers model plus what is needed to read its outputs. */
export class FittedMlp implements FittedModel {
  constructor(
    readonly model: tf.LayersModel,
    readonly spec: NetSpec,
    readonly task: Task,
    readonly scaler: TargetScaler | null,
    readonly params: Params,
  ) {}

  /** binary: rows x 2 probabilities; multiclass: rows x k; regression: one value per row, in target units */
  predict(x: Matrix): Float32Array {
    if (x.cols !== this.spec.inputs) throw new Error(`mlp: expected ${this.spec.inputs} columns, got ${x.cols}`);
    const raw = predictOutputs(this.model, x, this.spec.outputs);
    if (this.task.type === "binary") {
      const out = new Float32Array(x.rows * 2);
      for (let i = 0; i < x.rows; i++) {
        out[2 * i] = 1 - raw[i];
        out[2 * i + 1] = raw[i];
      }
      return out;
    }
    if (this.task.type === "regression" && this.scaler) {
      const { mean, std } = this.scaler;
      for (let i = 0; i < raw.length; i++) raw[i] = raw[i] * std + mean;
    }
    return raw;
  }

  paramCount(): number {
    return this.model.countParams();
  }

  save(dir: string): Promise<void> {
    return saveMlp(dir, this);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** The model's raw outputs (probabilities or standardised values), rows x outputs, in chunks. */
export function predictOutputs(model: tf.LayersModel, x: Matrix, outputs: number): Float32Array {
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
