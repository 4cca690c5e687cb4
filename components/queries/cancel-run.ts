import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RunDto } from "@/server/contracts/run";
import { apiFetch, enc } from "./api";
import { runKey } from "./get-run";

/** POST /api/runs/:id/cancel */
export const cancelRun = (id: string) => apiFetch<RunDto>(`/api/runs/${enc(id)}/cancel`, { method: "POST" });
export const useCancelRun = (id: string) => {
  const qc = useQueryClient();
  return useMutation({ mutationFn: () => cancelRun(id), onSettled: () => qc.invalidateQueries({ queryKey: runKey(id) }) });
};
