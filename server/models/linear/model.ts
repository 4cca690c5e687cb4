import type { Params } from "../../automl/space/suggest";
import type { FittedModel, Matrix, Task } from "../family";
import type { TargetScaler } from "../layers/predict";
import { linearScores } from "./linalg";
import { outputsFor } from "../shared/outputs";
import { objectiveFor } from "./objective";
import { saveLinear } from "./persist";

/**
 * A trained linear model: scores = intercept + x . coefficients per output (one output for regression and binary,
 * one per class for multiclass), through the link (identity, sigmoid, softmax). Regression scores are of the
 * standardised target and are mapped back with the scaler.
 */
export class FittedLinear implements FittedModel {
  readonly outputs: number;

  constructor(
    readonly task: Task,
    /** columns of the matrices it predicts on */
    readonly features: number,
    /** coefficients then intercepts, as linalg.ts lays them out */
    readonly theta: Float64Array,
    /** regression only: the training target's mean and standard deviation */
    readonly scaler: TargetScaler | null,
    readonly params: Params,
  ) {
    this.outputs = outputsFor(task);
    if (theta.length !== this.outputs * (features + 1)) {
      throw new Error(`linear: ${theta.length} parameters for ${this.outputs} outputs of ${features} features and an intercept`);
    }
    if ((task.type === "regression") !== (scaler !== null)) throw new Error("linear: a regression model needs a target scaler, and only it");
  }

  /** binary: rows x 2 probabilities; multiclass: rows x k; regression: one value per row, in target units */
  predict(x: Matrix): Float32Array {
    if (x.cols !== this.features) throw new Error(`linear: expected ${this.features} columns, got ${x.cols}`);
    const k = this.outputs;
    const scores = new Float64Array(x.rows * k);
    linearScores(x, this.theta, k, scores);
    const out = new Float32Array(x.rows * (this.task.type === "binary" ? 2 : k));
    objectiveFor(this.task).transform(scores, x.rows, out, this.scaler);
    return out;
  }

  /** non-zero coefficients, plus the intercepts */
  paramCount(): number {
    const coefs = this.outputs * this.features;
    let n = this.outputs;
    for (let i = 0; i < coefs; i++) if (this.theta[i] !== 0) n++;
    return n;
  }

  /**
   * The coefficients per output (regression: in target units, i.e. times the target's standard deviation) and the
   * intercepts (regression: plus the target's mean): the model as y = intercept + x . coef (before the link).
   */
  coefficients(): { coef: Float64Array[]; intercept: Float64Array } {
    const d = this.features;
    const std = this.scaler?.std ?? 1;
    const mean = this.scaler?.mean ?? 0;
    const coef = Array.from({ length: this.outputs }, (_, c) => this.theta.slice(c * d, (c + 1) * d).map((v) => v * std));
    const intercept = this.theta.slice(this.outputs * d).map((v) => v * std + mean);
    return { coef, intercept };
  }

  save(dir: string): Promise<void> {
    return saveLinear(dir, this);
  }

  /** typed arrays only: nothing to free */
  dispose(): void {}
}
