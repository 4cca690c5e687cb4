import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiFetch, enc } from "./api";
import { systemKey } from "./get-system";
import { datasetsKey } from "./list-datasets";

/** DELETE /api/datasets/:id */
export const deleteDataset = (id: string) => apiFetch<void>(`/api/datasets/${enc(id)}`, { method: "DELETE" });
export const useDeleteDataset = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteDataset,
    onSuccess: (_v, id) => {
      qc.removeQueries({ queryKey: [...datasetsKey, id] });
      void qc.invalidateQueries({ queryKey: systemKey });
      return qc.invalidateQueries({ queryKey: datasetsKey });
    },
  });
};
