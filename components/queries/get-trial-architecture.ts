import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ArchitectureDiagramDto } from "@/server/contracts/architecture";
import { apiFetch, enc } from "./api";

/** GET /api/trials/:id/architecture — a finished NAS candidate's network, fixed for good */
export const architectureKey = (trialId: string) => ["trials", trialId, "architecture"] as const;
export const fetchTrialArchitecture = (trialId: string) => apiFetch<ArchitectureDiagramDto>(`/api/trials/${enc(trialId)}/architecture`);
export const trialArchitectureQueryOptions = (trialId: string) =>
  queryOptions({ queryKey: architectureKey(trialId), queryFn: () => fetchTrialArchitecture(trialId), staleTime: Infinity });
/** only asked for NAS candidates that have finished (their archive holds the architecture) */
export const useTrialArchitecture = (trialId: string | null, enabled: boolean) =>
  useQuery({ ...trialArchitectureQueryOptions(trialId ?? ""), enabled: trialId !== null && enabled });
