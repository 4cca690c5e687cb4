import type { RunInsightDto } from "../contracts/insight";
import { hasScore, metricDirection } from "../contracts/run";
import type { StudioContext } from "../context";
import { MIN_TRIALS_FOR_IMPORTANCE, paramImportance } from "../automl/insight/importance";
import { optimizationHistory } from "../automl/insight/history";
import { BEST_LINES, parallelCoordinates } from "../automl/insight/parallel-coordinates";
import { inferAxes } from "../automl/insight/param-axes";
import type { ScoredTrial } from "../automl/insight/types";
import { ENSEMBLE_FAMILY } from "../models/ensemble/ensemble-spec";
import { NotFoundError } from "./errors";

/**
 * What a run's finished trials say about its search: the optimisation history, parallel coordinates of the
 * hyperparameters against the objective (validation score), and fANOVA hyperparameter importance. Long runs are
 * thinned for the browser (server/automl/insight says how).
 */
export async function getRunInsight(ctx: StudioContext, runId: string): Promise<RunInsightDto> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new NotFoundError("The run");
  const direction = metricDirection(run.metric);
  const trials: ScoredTrial[] = (await ctx.store.listTrials(runId)).filter((t) => hasScore(t) && t.family !== ENSEMBLE_FAMILY).map((t) => ({ number: t.number, params: t.params, value: t.valScore as number }));
  const axes = inferAxes(trials.map((t) => t.params));
  const importance = paramImportance(trials, axes);
  return {
    runId,
    direction,
    finishedTrials: trials.length,
    history: optimizationHistory(trials, direction),
    parallel: { ...parallelCoordinates(trials, axes, direction), bestKept: BEST_LINES },
    importance: { params: importance?.params ?? null, minTrials: MIN_TRIALS_FOR_IMPORTANCE, trialsUsed: importance?.trialsUsed ?? 0 },
  };
}
