import type { Metric } from "../../contracts/dataset";
import { score } from "../../automl/estimation/metrics";
import type { Matrix, Task } from "../family";
import { metricEvery, TRAIN_METRIC_ROWS, type ValidationScores } from "../shared/epoch-scoring";
import { rowSubset } from "../shared/row-subset";
import type { TargetScaler } from "../layers/predict";
import { linearScores } from "./linalg";
import type { LinearObjective } from "./objective";

/**
 * An iteration's scores: the validation rows' loss and metric from the current parameters (one pass over them, with
 * the same arithmetic as FittedLinear.predict, so the kept model scores what was reported), and the training metric
 * from the solver's training scores on a fixed sample of rows. A sort-based metric on a large validation set is
 * scored every `metricEvery` iterations (1, 1 + metricEvery, ...), at most a fifth of the patience apart.
 */
export class EpochScorer {
  readonly metricEvery: number;
  private readonly valScores: Float64Array;
  private readonly valPred: Float32Array;
  private readonly sample: Uint32Array;
  private readonly sampleY: Float32Array;
  private readonly sampleScores: Float64Array;
  private readonly samplePred: Float32Array;

  constructor(
    private readonly task: Task,
    private readonly objective: LinearObjective,
    private readonly scaler: TargetScaler | null,
    /** the run's metric where it applies to the task, else null */
    private readonly metric: Metric | null,
    private readonly xVal: Matrix,
    private readonly yVal: Float32Array,
    yTrain: Float32Array,
    patience: number,
    seed: number,
  ) {
    const k = objective.outputs;
    const width = task.type === "binary" ? 2 : k;
    this.valScores = new Float64Array(yVal.length * k);
    this.valPred = new Float32Array(yVal.length * width);
    this.metricEvery = metricEvery(metric, yVal.length, patience);
    this.sample = rowSubset(yTrain.length, TRAIN_METRIC_ROWS, seed);
    this.sampleY = Float32Array.from(this.sample, (r) => yTrain[r]);
    this.sampleScores = new Float64Array(this.sample.length * k);
    this.samplePred = new Float32Array(this.sample.length * width);
  }

  /** The validation loss and (in the iterations it is scored) metric of parameters theta at iteration `epoch`. */
  validation(theta: Float64Array, epoch: number): ValidationScores {
    const n = this.yVal.length;
    if (n === 0) return { loss: NaN, metric: null };
    linearScores(this.xVal, theta, this.objective.outputs, this.valScores);
    this.objective.transform(this.valScores, n, this.valPred, this.scaler);
    const scored = this.metric !== null && (epoch - 1) % this.metricEvery === 0;
    return {
      loss: this.objective.reportLoss(this.valPred, this.yVal, this.scaler),
      metric: scored ? score(this.metric!, this.task, this.yVal, this.valPred) : null,
    };
  }

  /** The metric on the training sample, from all training rows' scores. */
  trainMetric(scores: Float64Array): number | null {
    if (this.metric === null || this.sample.length === 0) return null;
    const k = this.objective.outputs;
    for (let i = 0; i < this.sample.length; i++) {
      for (let c = 0; c < k; c++) this.sampleScores[i * k + c] = scores[this.sample[i] * k + c];
    }
    this.objective.transform(this.sampleScores, this.sample.length, this.samplePred, this.scaler);
    return score(this.metric, this.task, this.sampleY, this.samplePred);
  }
}
