import type { Params } from "../../automl/space/suggest";
import type { FittedModel, Matrix, PartialPredictor, Task } from "../family";
import { additivePartialPredictor, predictAdditive, type AdditiveParts } from "../shared/additive-parts";
import type { ForestTree } from "./grow";
import { saveForest } from "./persist";
import { outputsFor } from "../shared/outputs";

/**
 * Adds every tree's leaf values for the rows of x to sums (rows x outputs, row-major). The running sums fit keeps per
 * validation row, and what predict divides by the tree count.
 */
export function addTrees(trees: readonly ForestTree[], x: Matrix, sums: Float64Array, outputs: number): void {
  for (const { tree, values } of trees) {
    for (let r = 0; r < x.rows; r++) {
      const leaf = tree.leafOf(x.data, r * x.cols) * outputs;
      for (let c = 0; c < outputs; c++) sums[r * outputs + c] += values[leaf + c];
    }
  }
}

/**
 * The predictions of `trees` trees from their summed leaf values: the mean over trees; for classification the mean
 * class frequencies, clipped to [0, 1] and renormalised so that each row sums to 1 (binary: [1 - p, p]).
 */
export function toPredictions(task: Task, sums: Float64Array, rows: number, trees: number, out: Float32Array): void {
  const k = outputsFor(task);
  const inv = trees > 0 ? 1 / trees : 0;
  if (task.type === "regression") {
    for (let r = 0; r < rows; r++) out[r] = sums[r] * inv;
  } else if (task.type === "binary") {
    for (let r = 0; r < rows; r++) {
      const p = Math.min(1, Math.max(0, sums[r] * inv));
      out[2 * r] = 1 - p;
      out[2 * r + 1] = p;
    }
  } else {
    for (let r = 0; r < rows; r++) {
      let total = 0;
      for (let c = 0; c < k; c++) total += Math.max(0, sums[r * k + c]);
      for (let c = 0; c < k; c++) out[r * k + c] = total > 0 ? Math.max(0, sums[r * k + c]) / total : 1 / k;
    }
  }
}

/** A trained forest: the mean of its trees' leaf values (class frequencies, or values). */
export class FittedForest implements FittedModel {
  readonly outputs: number;

  constructor(
    readonly task: Task,
    /** columns of the matrices it predicts on */
    readonly features: number,
    readonly trees: readonly ForestTree[],
    readonly params: Params,
  ) {
    this.outputs = outputsFor(task);
    for (const t of trees) {
      if (t.values.length !== t.tree.nodes * this.outputs) throw new Error(`forest: a tree has ${t.values.length} leaf values for ${t.tree.nodes} nodes x ${this.outputs} outputs`);
    }
  }

  /** binary: rows x 2 probabilities; multiclass: rows x k; regression: one value per row */
  predict(x: Matrix): Float32Array {
    if (x.cols !== this.features) throw new Error(`forest: expected ${this.features} columns, got ${x.cols}`);
    return predictAdditive(this.parts(), x);
  }

  /** permutation importance re-walks only the trees that split on a shuffled column */
  partialPredictor(base: Matrix): PartialPredictor {
    if (base.cols !== this.features) throw new Error(`forest: expected ${this.features} columns, got ${base.cols}`);
    return additivePartialPredictor(this.parts(), base);
  }

  /** the summed leaf values of the trees, through toPredictions */
  private parts(): AdditiveParts {
    const k = this.outputs;
    const width = this.task.type === "binary" ? 2 : k;
    return {
      count: this.trees.length,
      columns: (t) => this.trees[t].tree.splitFeatures(),
      start: (rows) => new Float64Array(rows * k),
      add: (t, x, sums) => addTrees([this.trees[t]], x, sums, k),
      finish: (sums, rows) => {
        const out = new Float32Array(rows * width);
        toPredictions(this.task, sums, rows, this.trees.length, out);
        return out;
      },
    };
  }

  /** the trees' nodes */
  paramCount(): number {
    return this.trees.reduce((n, t) => n + t.tree.nodes, 0);
  }

  save(dir: string): Promise<void> {
    return saveForest(dir, this);
  }

  /** typed arrays only: nothing to free */
  dispose(): void {}
}
