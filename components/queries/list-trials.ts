import { keepPreviousData, queryOptions, useQuery } from "@tanstack/react-query";
import type { ListTrialsFilter, TrialPageDto } from "@/server/contracts/leaderboard";
import { apiFetch, enc } from "./api";

/** what a leaderboard shows: its sort, filters and page (GET /api/runs/:id/trials's query) */
export type LeaderboardView = Partial<ListTrialsFilter>;

/** GET /api/runs/:id/trials, under the run's key: invalidating the run refreshes its pages too */
export const trialPagesKey = (runId: string) => ["runs", runId, "trials"] as const;
export const trialPageKey = (runId: string, view: LeaderboardView) => [...trialPagesKey(runId), view] as const;

export function trialPageQuery(view: LeaderboardView): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(view)) {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    params.set(key, Array.isArray(value) ? value.join(",") : String(value));
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

export const fetchTrialPage = (runId: string, view: LeaderboardView) => apiFetch<TrialPageDto>(`/api/runs/${enc(runId)}/trials${trialPageQuery(view)}`);
export const trialPageQueryOptions = (runId: string, view: LeaderboardView) => queryOptions({ queryKey: trialPageKey(runId, view), queryFn: () => fetchTrialPage(runId, view) });

/**
 * One page of the leaderboard. The run's event stream patches it and refetches it when a change may alter it
 * (run-events.ts); polling is the fallback while the run is active and the stream is down. The previous page stays
 * on screen while the next one loads, so sorting or paging does not flash an empty table.
 */
export const useTrialPage = (runId: string, view: LeaderboardView, opts: { poll: boolean; enabled?: boolean }) =>
  useQuery({ ...trialPageQueryOptions(runId, view), placeholderData: keepPreviousData, enabled: opts.enabled ?? true, refetchInterval: opts.poll ? 5000 : false });
