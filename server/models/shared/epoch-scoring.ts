import type { Metric } from "../../contracts/dataset";

/** Training rows scored each round for the training metric (a fixed, seeded sample), as the networks do. */
export const TRAIN_METRIC_ROWS = 5000;
/**
 * Validation rows whose sort-based metric (AUC, PR AUC: a sort of all rows) every round can afford. On more rows the
 * metric is scored every few rounds instead (see metricEvery), since a round of boosting or an iteration on few
 * features can cost less than the sort.
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
 * How many rounds apart the metric is scored on `valRows` validation rows: every round, except a sort-based metric on a
 * large validation set, at most a fifth of early stopping's patience apart, so early stopping still sees it several
 * times within its patience. It depends only on the data's size, so a fit stays a function of its seed.
 */
export function metricEvery(metric: Metric | null, valRows: number, patience: number): number {
  const sorted = metric !== null && SORT_BASED.has(metric) && valRows > SORTED_METRIC_ROWS;
  return sorted ? Math.min(Math.ceil(valRows / SORTED_METRIC_ROWS), Math.max(1, Math.floor(patience / 5))) : 1;
}
