import type { Metric } from "../../contracts/dataset";
import { score } from "../../automl/estimation/metrics";
import type { Task } from "../family";
import type { Objective } from "./objective";
import { rowSubset } from "./sampling";

/** Training rows scored each round for the training metric (a fixed, seeded sample), as the networks do. */
const TRAIN_METRIC_ROWS = 5000;
/**
 * Validation rows whose sort-based metric (AUC, PR AUC: a sort of all rows) every round can afford. On more rows the
 * metric is scored every few rounds instead (see RoundScorer), since a round of boosting can cost less than the sort.
 */
export const SORTED_METRIC_ROWS = 25_000;
const SORT_BASED: ReadonlySet<Metric> = new Set<Metric>(["auc", "pr_auc"]);

export interface ValidationScores {
  /** the objective's loss (NaN without validation rows) */
  loss: number;
  /** the run's metric; null where it does not apply, without validation rows, or in a round it is not scored */
  metric: number | null;
}

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
    const sorted = metric !== null && SORT_BASED.has(metric) && yVal.length > SORTED_METRIC_ROWS;
    this.metricEvery = sorted ? Math.min(Math.ceil(yVal.length / SORTED_METRIC_ROWS), Math.max(1, Math.floor(patience / 5))) : 1;
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
