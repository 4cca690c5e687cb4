import type { Params } from "../../automl/space/suggest";
import type { FittedModel, Matrix, PartialPredictor, Task } from "../family";
import { additivePartialPredictor, predictAdditive, type AdditiveParts } from "../shared/additive-parts";
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
    return predictAdditive(this.parts(), x);
  }

  /** permutation importance re-walks only the trees that split on a shuffled column */
  partialPredictor(base: Matrix): PartialPredictor {
    if (base.cols !== this.features) throw new Error(`gbdt: expected ${this.features} columns, got ${base.cols}`);
    return additivePartialPredictor(this.parts(), base);
  }

  /** the raw scores as a sum of trees (tree t adds to output t % outputs), through the objective's link */
  private parts(): AdditiveParts {
    const k = this.outputs;
    const out = this.task.type === "binary" ? 2 : k;
    const link = objectiveFor(this.task);
    return {
      count: this.trees.length,
      columns: (t) => this.trees[t].splitFeatures(),
      start: (rows) => startingScores(rows, this.baseScore),
      add: (t, x, raw) => this.trees[t].addTo(x, raw, k, t % k),
      finish: (raw, rows) => {
        const probs = new Float32Array(rows * out);
        link.transform(raw, rows, probs);
        return probs;
      },
    };
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
