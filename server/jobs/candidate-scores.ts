import type { Metric } from "../contracts/dataset";
import type { Task } from "../models/family";
import { allMetrics, score, type ScoreOptions } from "../automl/estimation/metrics";
import { scoreStdError } from "../automl/estimation/uncertainty";

export interface Scored {
  y: Float32Array;
  pred: Float32Array;
}

/**
 * A finished candidate's validation and test scores, every metric of the task, and bootstrap standard errors.
 * `options.threshold`: a binary candidate's tuned decision threshold (the standard errors resample argmax decisions).
 */
export function candidateScores(metric: Metric, task: Task, val: Scored, test: Scored, seed: number, options: ScoreOptions = {}) {
  return {
    valScore: score(metric, task, val.y, val.pred, options),
    testScore: score(metric, task, test.y, test.pred, options),
    valMetrics: allMetrics(task, val.y, val.pred, options),
    testMetrics: allMetrics(task, test.y, test.pred, options),
    // null when too few resamples have a score (e.g. AUC on a handful of rows of one class)
    valScoreSe: finiteOrNull(scoreStdError(metric, task, val.y, val.pred, seed)),
    testScoreSe: finiteOrNull(scoreStdError(metric, task, test.y, test.pred, seed)),
  };
}
export type CandidateScores = ReturnType<typeof candidateScores>;

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/** Prediction latency per 1,000 rows on this machine: the median of three timings of `predict(rows)` on up to 1,000 rows. */
export function measureLatency(available: number, predict: (rows: number) => void): number {
  const rows = Math.min(1000, available);
  const times = [0, 1, 2].map(() => {
    const t = performance.now();
    predict(rows);
    return performance.now() - t;
  });
  return (times.sort((a, b) => a - b)[1] * 1000) / Math.max(rows, 1);
}
