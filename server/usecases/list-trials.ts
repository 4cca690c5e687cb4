import {
  LEADERBOARD_PAGE_SIZE,
  leaderboardFilters,
  trialOrder,
  type LeaderboardCountsDto,
  type LeaderboardFacet,
  type LeaderboardKeys,
  type ListTrialsFilter,
  type TrialPageDto,
} from "../contracts/leaderboard";
import { metricDirection } from "../contracts/run";
import type { LeanTrialRow } from "../db/store";
import type { StudioContext } from "../context";
import { toTrialDto } from "./dto";
import { NotFoundError } from "./errors";

/**
 * One page of a run's leaderboard, sorted and filtered on the server, with the filters' counts. The run's trials are
 * read lean (only LEAN_TRIAL_COLUMNS) and sorted in memory, then the page's rows are read whole: reading 10,000
 * whole trials costs several times as much as the lean read.
 */
export async function listTrials(ctx: StudioContext, runId: string, query: ListTrialsFilter): Promise<TrialPageDto> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new NotFoundError("The run");
  const now = Date.now();
  const all = (await readLeanTrials(ctx, runId)).map((t) => toKeys(t, now));
  const filters = leaderboardFilters(query);
  const matching = all.filter((t) => filters.every((f) => f.test(t)));
  const offset = query.offset ?? 0;
  const limit = query.limit ?? LEADERBOARD_PAGE_SIZE;
  const page = matching.sort(trialOrder(query.sort, query.dir, metricDirection(run.metric))).slice(offset, offset + limit);
  const rows = new Map((await ctx.store.listTrialsByIds(page.map((t) => t.id))).map((t) => [t.id, t]));
  return {
    total: all.length,
    matching: matching.length,
    counts: facetCounts(all, filters),
    // a row deleted between the two reads (a continued run rebuilding its ensembles) is left out
    trials: page.flatMap((t) => (rows.has(t.id) ? [toTrialDto(rows.get(t.id)!, now)] : [])),
  };
}

const reading = new WeakMap<StudioContext["store"], Map<string, Promise<LeanTrialRow[]>>>();

/**
 * A run's trials, only their LEAN_TRIAL_COLUMNS. Callers that ask while a read of the same run is under way share it:
 * the run page's server render asks for the run's summary and its first page at once, each over every trial.
 */
export function readLeanTrials(ctx: StudioContext, runId: string): Promise<LeanTrialRow[]> {
  const byRun = reading.get(ctx.store) ?? new Map<string, Promise<LeanTrialRow[]>>();
  reading.set(ctx.store, byRun);
  let read = byRun.get(runId);
  if (!read) {
    read = ctx.store.listTrialsLean(runId).finally(() => byRun.delete(runId));
    byRun.set(runId, read);
  }
  return read;
}

function toKeys(t: LeanTrialRow, now: number): LeaderboardKeys {
  const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
  // as toTrialDto: seconds so far while running
  const durationSeconds = t.status === "running" && t.startedAt ? Math.max(0, (now - t.startedAt.getTime()) / 1000) : t.trainSeconds;
  return {
    id: t.id,
    number: t.number,
    family: t.family,
    status: t.status,
    valScore: finite(t.valScore),
    testScore: finite(t.testScore),
    durationSeconds,
    archiveBytes: t.archiveBytes,
    predictMsPer1k: t.predictMsPer1k,
    paramCount: t.paramCount,
    infeasibleReason: t.infeasibleReason,
  };
}

/** each facet's counts honour every filter but its own (what choosing a value would show) */
function facetCounts(all: LeaderboardKeys[], filters: ReturnType<typeof leaderboardFilters>): LeaderboardCountsDto {
  const except = (facet: LeaderboardFacet) => all.filter((t) => filters.every((f) => f.facet === facet || f.test(t)));
  const tally = (rows: LeaderboardKeys[], key: (t: LeaderboardKeys) => string) => {
    const counts: Record<string, number> = {};
    for (const t of rows) counts[key(t)] = (counts[key(t)] ?? 0) + 1;
    return counts;
  };
  const byFeasibility = except("feasible");
  const infeasible = byFeasibility.filter((t) => t.infeasibleReason !== null).length;
  return {
    byFamily: tally(except("family"), (t) => t.family),
    byStatus: tally(except("status"), (t) => t.status),
    feasible: byFeasibility.length - infeasible,
    infeasible,
  };
}
