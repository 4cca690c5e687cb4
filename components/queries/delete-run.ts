import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch, enc } from "./api";
import { runKey } from "./get-run";
import { datasetsKey } from "./list-datasets";

/** DELETE /api/runs/:id */
export const deleteRun = (id: string) => apiFetch<void>(`/api/runs/${enc(id)}`, { method: "DELETE" });
export const useDeleteRun = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteRun,
    onSuccess: (_v, id) => {
      qc.removeQueries({ queryKey: runKey(id) });
      return qc.invalidateQueries({ queryKey: datasetsKey });
    },
  });
};
