import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import type { RunInsightDto } from "@/server/contracts/insight";
import { apiFetch, enc } from "./api";

/** GET /api/runs/:id/insight (under the run's key, so invalidating the run refreshes it too) */
export const runInsightKey = (runId: string) => ["runs", runId, "insight"] as const;
export const fetchRunInsight = (runId: string) => apiFetch<RunInsightDto>(`/api/runs/${enc(runId)}/insight`);
export const runInsightQueryOptions = (runId: string) => queryOptions({ queryKey: runInsightKey(runId), queryFn: () => fetchRunInsight(runId) });

/**
 * Polled while the run is active, like the run itself, but less often: the insight summarises (and fits a surrogate
 * to) every finished trial, so it need not follow each event. When the run stops it is fetched once more, so the
 * last trials show even when the run's event stream was down.
 */
export function useRunInsight(runId: string, active: boolean) {
  const qc = useQueryClient();
  const wasActive = useRef(active);
  useEffect(() => {
    if (wasActive.current && !active) void qc.invalidateQueries({ queryKey: runInsightKey(runId) });
    wasActive.current = active;
  }, [runId, active, qc]);
  return useQuery({ ...runInsightQueryOptions(runId), refetchInterval: active ? 5000 : false });
}
