import type { RunOverviewDto } from "../contracts/leaderboard";
import { compareTrials, metricDirection, type RunDetailDto, type RunDto } from "../contracts/run";
import type { StudioContext } from "../context";
import type { LeanTrialRow, RunRow } from "../db/store";
import { toRunDto, toTrialDto } from "./dto";
import { NotFoundError } from "./errors";
import { readLeanTrials } from "./list-trials";

/** The run's row, or a 404: for a route that must answer "no such run" before it starts (the event stream). */
export async function requireRun(ctx: StudioContext, id: string): Promise<RunRow> {
  const run = await ctx.store.getRun(id);
  if (!run) throw new NotFoundError("The run");
  return run;
}

/** A run with its whole leaderboard: every candidate, best validation score first (reports, run comparisons). */
export async function getRun(ctx: StudioContext, id: string): Promise<RunDetailDto> {
  const run = await requireRun(ctx, id);
  const [trials, dataset] = await Promise.all([ctx.store.listTrials(id), ctx.store.getDataset(run.datasetId)]);
  const now = Date.now();
  return {
    run: toRunDto(run, trials, { workers: ctx.config.workers, datasetName: dataset?.name ?? null, now }),
    trials: trials.map((t) => toTrialDto(t, now)).sort(compareTrials(metricDirection(run.metric))),
  };
}

/** A run and its best candidate, for the run page: its leaderboard comes a page at a time (list-trials.ts). */
export async function getRunOverview(ctx: StudioContext, id: string): Promise<RunOverviewDto> {
  const run = await requireRun(ctx, id);
  const [trials, dataset] = await Promise.all([readLeanTrials(ctx, id), ctx.store.getDataset(run.datasetId)]);
  const now = Date.now();
  const dto = toRunDto(run, trials, { workers: ctx.config.workers, datasetName: dataset?.name ?? null, now });
  const [best] = dto.bestTrialId ? await ctx.store.listTrialsByIds([dto.bestTrialId]) : [];
  return { run: dto, best: best ? toTrialDto(best, now) : null };
}

