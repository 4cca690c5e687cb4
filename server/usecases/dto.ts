import type { DatasetDto } from "../contracts/dataset";
import type { DatasetSummaryDto } from "../contracts/dataset-api";
import { compareTrials, hasScore, isFeasible, isRunActive, metricDirection, type RunDto, type TrialDto } from "../contracts/run";
import type { Metric } from "../contracts/dataset";
import type { DatasetRow, LeanTrialRow, RunRow, TrialRow } from "../db/store";
import { validationOverfit } from "../automl/estimation/uncertainty";
import { fidelityCheck } from "../automl/estimation/lower-fidelity";

/** Store rows to the API's DTOs (dates as ISO strings, derived fields computed once here). */

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toDatasetDto(row: DatasetRow): DatasetDto {
  return { ...toDatasetSummary(row), columns: row.columns };
}

export function toDatasetSummary(row: DatasetRow): DatasetSummaryDto {
  return {
    id: row.id,
    name: row.name,
    sizeBytes: row.sizeBytes,
    rowCount: row.rowCount,
    columnCount: row.columnCount,
    sha256: row.sha256,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toTrialDto(row: TrialRow, now = Date.now()): TrialDto {
  const running = row.status === "running" && row.startedAt;
  return {
    id: row.id,
    runId: row.runId,
    number: row.number,
    family: row.family,
    params: row.params,
    status: row.status,
    reason: row.reason,
    valScore: finite(row.valScore),
    testScore: finite(row.testScore),
    valMetrics: row.valMetrics,
    testMetrics: row.testMetrics,
    valScoreSe: finite(row.valScoreSe),
    testScoreSe: finite(row.testScoreSe),
    epochs: row.epochs,
    bestEpoch: row.bestEpoch,
    paramCount: row.paramCount,
    archiveBytes: row.archiveBytes,
    durationSeconds: running ? Math.max(0, (now - row.startedAt!.getTime()) / 1000) : row.trainSeconds,
    predictMsPer1k: row.predictMsPer1k,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    updatedAt: row.updatedAt.toISOString(),
    bracket: row.bracket,
    rung: row.rung,
    rungScores: row.rungScores,
    lowFidelityScore: finite(row.lowFidelityScore),
    parentNumber: row.parentNumber,
    infeasibleReason: row.infeasibleReason,
  };
}

const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);

/** Seconds the run has searched: earlier segments plus the current one while it runs. */
export function elapsedSeconds(run: RunRow, now = Date.now()): number {
  const current = isRunActive(run.status) && run.startedAt && run.status !== "queued" ? (now - run.startedAt.getTime()) / 1000 : 0;
  return run.elapsedSeconds + Math.max(0, current);
}

/**
 * A rough estimate of the seconds left: what is left of the wall-clock budget and/or the trials left times
 * the mean trial duration, divided among the workers (the smaller of the two when both bound the run).
 */
export function estimateSecondsLeft(run: RunRow, trials: LeanTrialRow[], workers: number, now = Date.now()): number | null {
  if (!isRunActive(run.status)) return null;
  if (run.status === "cancelling") return 0;
  const estimates: number[] = [];
  if (run.budgetSeconds !== null) estimates.push(Math.max(0, run.budgetSeconds - elapsedSeconds(run, now)));
  if (run.maxTrials !== null) {
    const durations = trials.filter((t) => t.trainSeconds !== null && (t.status === "done" || t.status === "stopped")).map((t) => t.trainSeconds as number);
    if (durations.length > 0) {
      const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
      const finished = trials.filter((t) => !["queued", "running"].includes(t.status)).length;
      const left = Math.max(0, run.maxTrials - finished);
      // running trials are partly done: count each as half left
      const running = trials.filter((t) => t.status === "running").length;
      estimates.push(((left - running / 2) * mean) / Math.max(1, Math.min(workers, left || 1)));
    }
  }
  return estimates.length > 0 ? Math.max(0, Math.min(...estimates)) : null;
}

export function toRunDto(run: RunRow, trials: LeanTrialRow[], opts: { workers: number; datasetName?: string | null; now?: number }): RunDto {
  const now = opts.now ?? Date.now();
  const direction = metricDirection(run.metric);
  // rows, not DTOs: at 10,000 trials building every trial's DTO costs more than reading the rows (a scored row's
  // validation score is finite, as its DTO's)
  const scored = trials.filter(hasScore);
  const order = compareTrials(direction);
  // the live best (a continued run's new candidates may beat the stored bestTrialId): only a feasible one can be it
  const best = scored.filter(isFeasible).reduce<LeanTrialRow | null>((a, t) => (a === null || order(t, a) < 0 ? t : a), null);
  const bestScores = best && { valScore: finite(best.valScore), testScore: finite(best.testScore), valScoreSe: finite(best.valScoreSe), testScoreSe: finite(best.testScoreSe) };
  return {
    id: run.id,
    datasetId: run.datasetId,
    datasetName: opts.datasetName ?? null,
    label: run.label,
    problemType: run.problemType,
    metric: run.metric,
    direction,
    strategy: run.strategy,
    scheduler: run.scheduler,
    families: run.families,
    estimation: run.estimation,
    testFraction: run.testFraction,
    seed: run.seed,
    maxTrials: run.maxTrials,
    budgetSeconds: run.budgetSeconds,
    status: run.status,
    error: run.error,
    backend: run.backend,
    bestTrialId: best?.id ?? null,
    bestValScore: bestScores?.valScore ?? null,
    bestTestScore: bestScores?.testScore ?? null,
    trialCount: trials.length,
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    elapsedSeconds: elapsedSeconds(run, now),
    estimatedSecondsLeft: estimateSecondsLeft(run, trials, opts.workers, now),
    columnTypes: run.columnTypes,
    validation: run.validation,
    finalModel: run.finalModel,
    groupColumn: run.groupColumn,
    timeColumn: run.timeColumn,
    validationPlan: run.validationPlan,
    overfitWarning: bestScores && !isRunActive(run.status) ? overfitWarning(run.metric, bestScores) : null,
    fidelityCheck:
      run.estimation === "low" ? fidelityCheck(scored.flatMap((t) => (finite(t.lowFidelityScore) === null ? [] : [{ low: t.lowFidelityScore!, full: t.valScore! }]))) : null,
    constraints: { maxArchiveBytes: run.maxArchiveBytes, maxPredictMsPer1k: run.maxPredictMsPer1k, maxTrainSeconds: run.maxTrainSeconds },
  };
}

/**
 * Says so when the best candidate's validation score beats its test score by more than two standard errors of their
 * difference: picking the best of many candidates on one validation split rewards luck on that split.
 */
export function overfitWarning(metric: Metric, best: Pick<TrialDto, "valScore" | "testScore" | "valScoreSe" | "testScoreSe">): string | null {
  const { valScore, testScore, valScoreSe, testScoreSe } = best;
  if (valScore === null || testScore === null || valScoreSe === null || testScoreSe === null) return null;
  const verdict = validationOverfit({ metric, val: valScore, valSe: valScoreSe, test: testScore, testSe: testScoreSe });
  if (!verdict.overfit) return null;
  const f = (v: number) => v.toFixed(4);
  return (
    `The best candidate scores ${metric} ${f(valScore)} ± ${f(valScoreSe)} on validation but ${f(testScore)} ± ${f(testScoreSe)} on the test split, ` +
    `a gap of ${f(verdict.gap)} (more than the ${f(verdict.threshold)} chance explains): the search may have overfit the validation data. ` +
    "Trust the test score; cross-validation (for small data) or more rows make the validation score steadier."
  );
}
