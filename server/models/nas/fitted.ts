import type * as tf from "@tensorflow/tfjs";
import type { ArchitectureDiagramDto } from "../../contracts/architecture";
import type { Params } from "../../automl/space/suggest";
import type { FittedModel, Matrix, Task } from "../family";
import { predictTask, type TargetScaler } from "../layers/predict";
import type { Architecture, Weights } from "./architecture";
import { readWeights } from "./build";
import { toDiagram } from "./diagram";
import { saveNas } from "./persist";
import type { NasSpace } from "./space";

/**
 * A trained searched network: the TensorFlow.js layers model of its architecture (build.ts; the portable form,
 * whatever engine trained it) plus what is needed to read its outputs and to say what it is.
 */
export class FittedNas implements FittedModel {
  constructor(
    readonly model: tf.LayersModel,
    readonly arch: Architecture,
    /** the search space it came from (params.nas_space) */
    readonly space: NasSpace,
    readonly task: Task,
    readonly scaler: TargetScaler | null,
    readonly params: Params,
    /** the layers whose training started from a parent network's weights (weight inheritance); empty when trained from scratch */
    readonly inherited: readonly string[],
  ) {}

  /** binary: rows x 2 probabilities; multiclass: rows x k; regression: one value per row, in target units */
  predict(x: Matrix): Float32Array {
    if (x.cols !== this.arch.inputs) throw new Error(`nas: expected ${this.arch.inputs} columns, got ${x.cols}`);
    return predictTask(this.model, x, this.arch.outputs, this.task, this.scaler);
  }

  /** every weight of the model, batch-norm moving statistics included (as the MLP counts) */
  paramCount(): number {
    return this.model.countParams();
  }

  /** the trained weights by layer name (copies): a child architecture's parent weights (see fitNasFrom) */
  weights(): Weights {
    return readWeights(this.model);
  }

  /** the network drawn for the candidate panel */
  diagram(): ArchitectureDiagramDto {
    return toDiagram(this.arch, this.space);
  }

  save(dir: string): Promise<void> {
    return saveNas(dir, this);
  }

  dispose(): void {
    this.model.dispose();
  }
}
