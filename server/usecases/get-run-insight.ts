import type { ParetoCandidateDto, RunInsightDto } from "../contracts/insight";
import { hasScore, isRunActive, metricDirection } from "../contracts/run";
import type { StudioContext } from "../context";
import type { RunRow } from "../db/store";
import { MIN_TRIALS_FOR_IMPORTANCE, paramImportance } from "../automl/insight/importance";
import { optimizationHistory } from "../automl/insight/history";
import { BEST_LINES, parallelCoordinates } from "../automl/insight/parallel-coordinates";
import { inferAxes } from "../automl/insight/param-axes";
import { paretoSample } from "../automl/insight/pareto-sample";
import type { ScoredTrial } from "../automl/insight/types";
import { ENSEMBLE_FAMILY } from "../models/ensemble/ensemble-spec";
import { NotFoundError } from "./errors";

/** the costs the score-against-cost chart offers (components/charts/pareto-chart.tsx): each one's front is sent whole */
const PARETO_COSTS: ((c: ParetoCandidateDto) => number | null)[] = [(c) => c.paramCount, (c) => c.archiveBytes, (c) => c.durationSeconds, (c) => c.predictMsPer1k];

/**
 * What a run's finished trials say about its search: the optimisation history, parallel coordinates of the
 * hyperparameters against the objective (validation score), fANOVA hyperparameter importance, and each finished
 * candidate's costs for the score-against-cost chart. Long runs are thinned for the browser (server/automl/insight
 * says how); a finished run's insight is kept, as it no longer changes.
 */
export async function getRunInsight(ctx: StudioContext, runId: string): Promise<RunInsightDto> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new NotFoundError("The run");
  const { key, kept } = keptInsights(ctx, run);
  const cached = key === null ? undefined : kept.get(key);
  if (cached) return cached;
  const insight = await computeInsight(ctx, run);
  if (key !== null) {
    kept.set(key, insight);
    // the oldest out first: a handful of finished runs' pages are what a session revisits
    if (kept.size > CACHED_INSIGHTS) kept.delete(kept.keys().next().value!);
  }
  return insight;
}

/**
 * A finished run's insight if it was computed already, else undefined: the run page's server render sends it with the
 * page when it costs nothing, and leaves the first computation (about 0.5 s on 10,000 trials) to the browser's request
 * so the leaderboard is not held back by it.
 */
export async function keptRunInsight(ctx: StudioContext, runId: string): Promise<RunInsightDto | undefined> {
  const run = await ctx.store.getRun(runId);
  if (!run) return undefined;
  const { key, kept } = keptInsights(ctx, run);
  return key === null ? undefined : kept.get(key);
}

/** the run's key among the kept insights (null while it runs) and the store's kept insights */
function keptInsights(ctx: StudioContext, run: RunRow) {
  // a finished run's trials no longer change (continuing it changes its status, then its finish time)
  const key = isRunActive(run.status) ? null : `${run.id}:${run.status}:${run.finishedAt?.getTime() ?? ""}`;
  const kept = finishedInsights.get(ctx.config.dataDir) ?? new Map<string, RunInsightDto>();
  finishedInsights.set(ctx.config.dataDir, kept);
  return { key, kept };
}

const CACHED_INSIGHTS = 16;
/**
 * Per data directory, on globalThis: the API route and the run page's server render are separate bundles of the
 * Next.js server, each with its own copy of this module and its own context, and they share what they kept.
 */
const finishedInsights = ((globalThis as { __studioRunInsights?: Map<string, Map<string, RunInsightDto>> }).__studioRunInsights ??= new Map());

async function computeInsight(ctx: StudioContext, run: RunRow): Promise<RunInsightDto> {
  const runId = run.id;
  const direction = metricDirection(run.metric);
  const rows = await ctx.store.listTrials(runId);
  const trials: ScoredTrial[] = rows.filter((t) => hasScore(t) && t.family !== ENSEMBLE_FAMILY).map((t) => ({ number: t.number, params: t.params, value: t.valScore as number }));
  const costed: ParetoCandidateDto[] = rows.filter(hasScore).map((t) => ({ id: t.id, number: t.number, family: t.family, valScore: t.valScore, paramCount: t.paramCount, archiveBytes: t.archiveBytes, durationSeconds: t.trainSeconds, predictMsPer1k: t.predictMsPer1k, infeasibleReason: t.infeasibleReason }));
  const axes = inferAxes(trials.map((t) => t.params));
  const importance = paramImportance(trials, axes);
  return {
    runId,
    direction,
    finishedTrials: trials.length,
    history: optimizationHistory(trials, direction),
    parallel: { ...parallelCoordinates(trials, axes, direction), bestKept: BEST_LINES },
    importance: { params: importance?.params ?? null, minTrials: MIN_TRIALS_FOR_IMPORTANCE, trialsUsed: importance?.trialsUsed ?? 0 },
    pareto: { candidates: paretoSample(costed, PARETO_COSTS, direction), total: costed.length },
  };
}
