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
  // a run without a test split (testFraction 0) has no test score
  const tested = test.y.length > 0;
  return {
    valScore: score(metric, task, val.y, val.pred, options),
    testScore: tested ? score(metric, task, test.y, test.pred, options) : null,
    valMetrics: allMetrics(task, val.y, val.pred, options),
    testMetrics: tested ? allMetrics(task, test.y, test.pred, options) : null,
    // null when too few resamples have a score (e.g. AUC on a handful of rows of one class)
    valScoreSe: finiteOrNull(scoreStdError(metric, task, val.y, val.pred, seed)),
    testScoreSe: tested ? finiteOrNull(scoreStdError(metric, task, test.y, test.pred, seed)) : null,
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

/** the manifest's test entry: null for a run that held out no test split */
export function manifestTest(s: CandidateScores, rows: number) {
  return s.testScore === null || s.testMetrics === null ? null : { score: s.testScore, metrics: s.testMetrics, rows, stdError: s.testScoreSe ?? undefined };
}
