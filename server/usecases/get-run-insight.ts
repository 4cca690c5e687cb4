import type { RunInsightDto } from "../contracts/insight";
import type { StudioContext } from "../context";
import { computeRunInsight, insightKey, keepRunInsight, readKeptInsight } from "../jobs/run-insight";
import { NotFoundError } from "./errors";

/**
 * What a run's finished trials say about its search (server/jobs/run-insight.ts). An active run's is computed on
 * every request; a finished run's is the one kept when it finished (computed and kept now when it was not: a run that
 * finished before insights were kept, or whose keeping failed).
 */
export async function getRunInsight(ctx: StudioContext, runId: string): Promise<RunInsightDto> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new NotFoundError("The run");
  if (insightKey(run) === null) return computeRunInsight(ctx.store, run);
  return (await readKeptInsight(ctx.store, run)) ?? (await keepRunInsight(ctx.store, run));
}

/**
 * A finished run's kept insight, else undefined: the run page's server render sends it with the page when reading it
 * is all it costs, and leaves computing one to the browser's request so the leaderboard is not held back by it.
 */
export async function keptRunInsight(ctx: StudioContext, runId: string): Promise<RunInsightDto | undefined> {
  const run = await ctx.store.getRun(runId);
  return run ? readKeptInsight(ctx.store, run) : undefined;
}
