import { queryOptions, useQuery } from "@tanstack/react-query";
import type { DeploymentListDto } from "@/server/contracts/deployment";
import { apiFetch, enc } from "./api";

/** GET /api/runs/:id/deployments — the run's deployed candidates */
export const deploymentsKey = (runId: string) => ["runs", runId, "deployments"] as const;
export const fetchDeployments = (runId: string) => apiFetch<DeploymentListDto>(`/api/runs/${enc(runId)}/deployments`);
export const deploymentsQueryOptions = (runId: string) => queryOptions({ queryKey: deploymentsKey(runId), queryFn: () => fetchDeployments(runId) });
export const useDeployments = (runId: string) => useQuery(deploymentsQueryOptions(runId));
