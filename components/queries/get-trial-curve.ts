import { queryOptions, useQuery } from "@tanstack/react-query";
import type { TrialCurveDto } from "@/server/contracts/run";
import { apiFetch, enc } from "./api";

/** GET /api/trials/:id/curve */
export const curveKey = (trialId: string) => ["trials", trialId, "curve"] as const;
export const fetchTrialCurve = (trialId: string) => apiFetch<TrialCurveDto>(`/api/trials/${enc(trialId)}/curve`);
export const trialCurveQueryOptions = (trialId: string) => queryOptions({ queryKey: curveKey(trialId), queryFn: () => fetchTrialCurve(trialId) });
export const useTrialCurve = (trialId: string | null) =>
  useQuery({
    ...trialCurveQueryOptions(trialId ?? ""),
    enabled: trialId !== null,
    // the run's event stream invalidates this on every epoch; polling is the fallback while it trains
    refetchInterval: (q) => (q.state.data?.status === "running" || q.state.data?.status === "queued" ? 2000 : false),
  });
