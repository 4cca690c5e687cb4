import { queryOptions } from "@tanstack/react-query";
import type { RunInsightDto } from "@/server/contracts/insight";
import { apiFetch, enc } from "./api";

/**
 * GET /api/runs/:id/insight (under the run's key, so invalidating the run refreshes it too). The hook is useRunInsight in
 * components/runs/run-insight.tsx: this file stays free of React hooks, as the run page's server render imports the key.
 */
export const runInsightKey = (runId: string) => ["runs", runId, "insight"] as const;
export const fetchRunInsight = (runId: string) => apiFetch<RunInsightDto>(`/api/runs/${enc(runId)}/insight`);
export const runInsightQueryOptions = (runId: string) => queryOptions({ queryKey: runInsightKey(runId), queryFn: () => fetchRunInsight(runId) });
