import type * as tf from "@tensorflow/tfjs";
import { predictTask, type TargetScaler } from "../layers/predict";
import type { FittedModel, Matrix, Task } from "../family";
import type { Params } from "../../automl/space/suggest";
import type { NetSpec } from "./network";
import { saveMlp } from "./persist";

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
    return predictTask(this.model, x, this.spec.outputs, this.task, this.scaler);
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
