import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch, enc } from "./api";
import { modelKey } from "./get-model";
import { trialDeploymentKey } from "./get-trial-deployment";
import { deploymentsKey } from "./list-deployments";

/** DELETE /api/trials/:id/deploy — undeploys the candidate */
export const undeployCandidate = (trialId: string) => apiFetch<void>(`/api/trials/${enc(trialId)}/deploy`, { method: "DELETE" });
export const useUndeployCandidate = (trialId: string) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (vars: { modelId: string; runId: string }) => undeployCandidate(trialId).then(() => vars),
    onSuccess: ({ modelId, runId }) => {
      qc.setQueryData(trialDeploymentKey(trialId), { deployment: null });
      qc.removeQueries({ queryKey: modelKey(modelId) });
      return qc.invalidateQueries({ queryKey: deploymentsKey(runId) });
    },
  });
};
