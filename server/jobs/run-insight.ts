import type { ParetoCandidateDto, RunInsightDto } from "../contracts/insight";
import { hasScore, isRunActive, metricDirection } from "../contracts/run";
import type { RunRow, Store } from "../db/store";
import { MIN_TRIALS_FOR_IMPORTANCE, paramImportance } from "../automl/insight/importance";
import { optimizationHistory } from "../automl/insight/history";
import { BEST_LINES, parallelCoordinates } from "../automl/insight/parallel-coordinates";
import { inferAxes } from "../automl/insight/param-axes";
import { paretoSample } from "../automl/insight/pareto-sample";
import type { ScoredTrial } from "../automl/insight/types";
import { ENSEMBLE_FAMILY } from "../models/ensemble/ensemble-spec";

/** the costs the score-against-cost chart offers (components/charts/pareto-chart.tsx): each one's front is sent whole */
const PARETO_COSTS: ((c: ParetoCandidateDto) => number | null)[] = [(c) => c.paramCount, (c) => c.archiveBytes, (c) => c.durationSeconds, (c) => c.predictMsPer1k];

/**
 * The insight's format: part of the key a kept insight is stored under, so that a kept one of an older format is
 * computed again instead of being read as this one. Raise it when RunInsightDto changes.
 */
const FORMAT = 1;

/**
 * Names the finish a finished run's insight describes (null while the run is active): its trials no longer change
 * until it is continued, which changes its status and then its finish time.
 */
export function insightKey(run: RunRow): string | null {
  return isRunActive(run.status) ? null : `insight@${FORMAT}:${run.status}:${run.finishedAt?.getTime() ?? ""}`;
}

/** a finished run's kept insight when it describes the run's latest finish, else undefined */
export async function readKeptInsight(store: Store, run: RunRow): Promise<RunInsightDto | undefined> {
  const key = insightKey(run);
  const kept = key === null ? null : await store.getRunInsight(run.id);
  // written by keepRunInsight under this key, so in this format
  return kept !== null && kept.key === key ? (kept.insight as RunInsightDto) : undefined;
}

/**
 * Computes a finished run's insight and keeps it in the store, so no visit of the run page pays for it (about a
 * second at 10,000 trials): the coordinator calls it as a run finishes. A run that is active again is left alone.
 */
export async function keepRunInsight(store: Store, run: RunRow): Promise<RunInsightDto> {
  const insight = await computeRunInsight(store, run);
  const key = insightKey(run);
  if (key !== null) await store.saveRunInsight(run.id, key, insight);
  return insight;
}

/**
 * What a run's finished trials say about its search: the optimisation history, parallel coordinates of the
 * hyperparameters against the objective (validation score), fANOVA hyperparameter importance, and each finished
 * candidate's costs for the score-against-cost chart. Long runs are thinned for the browser (server/automl/insight
 * says how).
 */
export async function computeRunInsight(store: Store, run: RunRow): Promise<RunInsightDto> {
  const direction = metricDirection(run.metric);
  const rows = await store.listTrials(run.id);
  const trials: ScoredTrial[] = rows.filter((t) => hasScore(t) && t.family !== ENSEMBLE_FAMILY).map((t) => ({ number: t.number, params: t.params, value: t.valScore as number }));
  const costed: ParetoCandidateDto[] = rows.filter(hasScore).map((t) => ({ id: t.id, number: t.number, family: t.family, valScore: t.valScore, paramCount: t.paramCount, archiveBytes: t.archiveBytes, durationSeconds: t.trainSeconds, predictMsPer1k: t.predictMsPer1k, infeasibleReason: t.infeasibleReason }));
  const axes = inferAxes(trials.map((t) => t.params));
  const importance = paramImportance(trials, axes);
  return {
    runId: run.id,
    direction,
    finishedTrials: trials.length,
    history: optimizationHistory(trials, direction),
    parallel: { ...parallelCoordinates(trials, axes, direction), bestKept: BEST_LINES },
    importance: { params: importance?.params ?? null, minTrials: MIN_TRIALS_FOR_IMPORTANCE, trialsUsed: importance?.trialsUsed ?? 0 },
    pareto: { candidates: paretoSample(costed, PARETO_COSTS, direction), total: costed.length },
  };
}
