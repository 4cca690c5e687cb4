import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { CreateRunInput, RunDto } from "@/server/contracts/run";
import { apiFetch, jsonBody } from "./api";
import { datasetKey } from "./get-dataset";

/** POST /api/runs */
export const createRun = (input: CreateRunInput) => apiFetch<RunDto>("/api/runs", jsonBody(input));
export const useCreateRun = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createRun,
    onSuccess: (run) => qc.invalidateQueries({ queryKey: datasetKey(run.datasetId) }),
  });
};
