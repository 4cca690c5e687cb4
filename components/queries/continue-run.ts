import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ContinueRunInput, RunDto } from "@/server/contracts/run";
import { apiFetch, enc, jsonBody } from "./api";
import { runKey } from "./get-run";

/** POST /api/runs/:id/continue */
export const continueRun = (id: string, input: ContinueRunInput) => apiFetch<RunDto>(`/api/runs/${enc(id)}/continue`, jsonBody(input));
export const useContinueRun = (id: string) => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ContinueRunInput) => continueRun(id, input),
    onSettled: () => qc.invalidateQueries({ queryKey: runKey(id) }),
  });
};
