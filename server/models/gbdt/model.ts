import type { Params } from "../../automl/space/suggest";
import type { FittedModel, Matrix, Task } from "../family";
import { outputsFor } from "../shared/outputs";
import { objectiveFor } from "./objective";
import { saveGbdt } from "./persist";
import { startingScores } from "./scores";
import type { Tree } from "./tree";

/**
 * A trained boosted ensemble: the base score plus the sum of the trees' values, per output, through the objective's
 * link (sigmoid, softmax or identity). With several outputs (multiclass), tree i adds to output i % outputs.
 */
export class FittedGbdt implements FittedModel {
  readonly outputs: number;

  constructor(
    readonly task: Task,
    /** columns of the matrices it predicts on */
    readonly features: number,
    readonly baseScore: Float64Array,
    readonly trees: readonly Tree[],
    readonly params: Params,
  ) {
    this.outputs = outputsFor(task);
    if (baseScore.length !== this.outputs) throw new Error(`gbdt: ${baseScore.length} base scores for ${this.outputs} outputs`);
    if (trees.length % this.outputs !== 0) throw new Error(`gbdt: ${trees.length} trees is not a whole number of rounds of ${this.outputs}`);
  }

  /** binary: rows x 2 probabilities; multiclass: rows x k; regression: one value per row */
  predict(x: Matrix): Float32Array {
    if (x.cols !== this.features) throw new Error(`gbdt: expected ${this.features} columns, got ${x.cols}`);
    const k = this.outputs;
    const raw = startingScores(x.rows, this.baseScore);
    for (let t = 0; t < this.trees.length; t++) this.trees[t].addTo(x, raw, k, t % k);
    const out = new Float32Array(x.rows * (this.task.type === "binary" ? 2 : k));
    objectiveFor(this.task).transform(raw, x.rows, out);
    return out;
  }

  /** the trees' nodes, splits and leaves */
  paramCount(): number {
    return this.trees.reduce((n, t) => n + t.nodes, 0);
  }

  /** rounds of boosting the model holds */
  get rounds(): number {
    return this.trees.length / this.outputs;
  }

  save(dir: string): Promise<void> {
    return saveGbdt(dir, this);
  }

  /** typed arrays only: nothing to free */
  dispose(): void {}
}
