import { queryOptions, useQuery } from "@tanstack/react-query";
import type { TrialFeaturesDto } from "@/server/contracts/run";
import { apiFetch, enc } from "./api";

/** GET /api/trials/:id/features — fixed once the candidate has finished, so cached for good */
export const featuresKey = (trialId: string) => ["trials", trialId, "features"] as const;
export const fetchTrialFeatures = (trialId: string) => apiFetch<TrialFeaturesDto>(`/api/trials/${enc(trialId)}/features`);
export const trialFeaturesQueryOptions = (trialId: string) =>
  queryOptions({ queryKey: featuresKey(trialId), queryFn: () => fetchTrialFeatures(trialId), staleTime: Infinity });
export const useTrialFeatures = (trialId: string | null, finished: boolean) =>
  useQuery({ ...trialFeaturesQueryOptions(trialId ?? ""), enabled: trialId !== null && finished });
