import { queryOptions, useQuery } from "@tanstack/react-query";
import type { TrialDeploymentDto } from "@/server/contracts/deployment";
import { apiFetch, enc } from "./api";

/** GET /api/trials/:id/deploy — the candidate's deployment, null when it is not deployed */
export const trialDeploymentKey = (trialId: string) => ["trials", trialId, "deployment"] as const;
export const fetchTrialDeployment = (trialId: string) => apiFetch<TrialDeploymentDto>(`/api/trials/${enc(trialId)}/deploy`);
export const trialDeploymentQueryOptions = (trialId: string) => queryOptions({ queryKey: trialDeploymentKey(trialId), queryFn: () => fetchTrialDeployment(trialId) });
export const useTrialDeployment = (trialId: string, enabled: boolean) => useQuery({ ...trialDeploymentQueryOptions(trialId), enabled });
