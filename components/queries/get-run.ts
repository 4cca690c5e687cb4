import { queryOptions, useQuery } from "@tanstack/react-query";
import type { RunOverviewDto } from "@/server/contracts/leaderboard";
import { isRunActive } from "@/server/contracts/run";
import { apiFetch, enc } from "./api";

/** GET /api/runs/:id (the run and its best candidate); live updates come from run-events.ts into the same key */
export const runKey = (id: string) => ["runs", id] as const;
export const fetchRun = (id: string) => apiFetch<RunOverviewDto>(`/api/runs/${enc(id)}`);
export const runQueryOptions = (id: string) => queryOptions({ queryKey: runKey(id), queryFn: () => fetchRun(id) });
export const useRun = (id: string, opts: { live: boolean }) =>
  useQuery({
    ...runQueryOptions(id),
    // a safety net when the event stream is down; with it up the cache is already fresh
    refetchInterval: (q) => (q.state.data && isRunActive(q.state.data.run.status) ? (opts.live ? 5000 : 500) : false),
  });

export const leaderboardCsvUrl = (runId: string) => `/api/runs/${enc(runId)}/leaderboard.csv`;
export const archiveUrl = (trialId: string) => `/api/trials/${enc(trialId)}/archive`;
export const notebookUrl = (trialId: string) => `/api/trials/${enc(trialId)}/notebook`;
