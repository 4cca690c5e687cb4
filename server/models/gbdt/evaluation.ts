import type { Metric } from "../../contracts/dataset";
import { score } from "../../automl/estimation/metrics";
import type { Task } from "../family";
import type { Objective } from "./objective";
import { metricEvery, TRAIN_METRIC_ROWS, type ValidationScores } from "../shared/epoch-scoring";
import { rowSubset } from "../shared/row-subset";

/**
 * A round's scores from the running raw scores, which boosting keeps up to date tree by tree (nothing is predicted
 * afresh). The validation loss and O(n) metrics are scored every round; a sort-based metric on a large validation
 * set every `metricEvery` rounds (round 1, 1 + metricEvery, ...), at most a fifth of early stopping's patience apart,
 * so early stopping still sees it several times within its patience. Which rounds are scored depends only on the
 * data's size, so a fit stays a function of its seed.
 */
export class RoundScorer {
  readonly metricEvery: number;
  private readonly valPred: Float32Array;
  private readonly sample: Uint32Array;
  private readonly sampleY: Float32Array;
  private readonly sampleRaw: Float64Array;
  private readonly samplePred: Float32Array;

  constructor(
    private readonly task: Task,
    private readonly objective: Objective,
    /** the run's metric where it applies to the task, else null */
    private readonly metric: Metric | null,
    private readonly yVal: Float32Array,
    yTrain: Float32Array,
    patience: number,
    seed: number,
  ) {
    const width = task.type === "binary" ? 2 : objective.outputs;
    this.valPred = new Float32Array(yVal.length * width);
    this.metricEvery = metricEvery(metric, yVal.length, patience);
    this.sample = rowSubset(yTrain.length, TRAIN_METRIC_ROWS, seed);
    this.sampleY = Float32Array.from(this.sample, (r) => yTrain[r]);
    this.sampleRaw = new Float64Array(this.sample.length * objective.outputs);
    this.samplePred = new Float32Array(this.sample.length * width);
  }

  /** The validation loss and (in the rounds it is scored) metric of the raw scores `raw` of round `round`. */
  validation(raw: Float64Array, round: number): ValidationScores {
    const n = this.yVal.length;
    if (n === 0) return { loss: NaN, metric: null };
    this.objective.transform(raw, n, this.valPred);
    const scored = this.metric !== null && (round - 1) % this.metricEvery === 0;
    return {
      loss: this.objective.loss(this.valPred, this.yVal),
      metric: scored ? score(this.metric!, this.task, this.yVal, this.valPred) : null,
    };
  }

  /** The metric on the training sample, from all training rows' raw scores. */
  trainMetric(raw: Float64Array): number | null {
    if (this.metric === null || this.sample.length === 0) return null;
    const k = this.objective.outputs;
    for (let i = 0; i < this.sample.length; i++) {
      for (let c = 0; c < k; c++) this.sampleRaw[i * k + c] = raw[this.sample[i] * k + c];
    }
    this.objective.transform(this.sampleRaw, this.sample.length, this.samplePred);
    return score(this.metric, this.task, this.sampleY, this.samplePred);
  }
}
