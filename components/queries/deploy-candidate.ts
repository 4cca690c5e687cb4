import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { DeploymentDto } from "@/server/contracts/deployment";
import { apiFetch, enc } from "./api";
import { trialDeploymentKey } from "./get-trial-deployment";
import { deploymentsKey } from "./list-deployments";

/** POST /api/trials/:id/deploy — deploys the candidate (or answers its deployment) */
export const deployCandidate = (trialId: string) => apiFetch<DeploymentDto>(`/api/trials/${enc(trialId)}/deploy`, { method: "POST" });
export const useDeployCandidate = (trialId: string) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => deployCandidate(trialId),
    onSuccess: (deployment) => {
      qc.setQueryData(trialDeploymentKey(trialId), { deployment });
      return qc.invalidateQueries({ queryKey: deploymentsKey(deployment.runId) });
    },
  });
};
