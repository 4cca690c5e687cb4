import { queryOptions, useQuery } from "@tanstack/react-query";
import type { DatasetDetailDto } from "@/server/contracts/dataset-api";
import { isRunActive } from "@/server/contracts/run";
import { apiFetch, enc } from "./api";

/** GET /api/datasets/:id (the dataset, its label options and its runs) */
export const datasetKey = (id: string) => ["datasets", id] as const;
export const fetchDataset = (id: string) => apiFetch<DatasetDetailDto>(`/api/datasets/${enc(id)}`);
export const datasetQueryOptions = (id: string) => queryOptions({ queryKey: datasetKey(id), queryFn: () => fetchDataset(id) });
export const useDataset = (id: string) =>
  useQuery({
    ...datasetQueryOptions(id),
    // the runs' statuses and best scores move while any of them is active
    refetchInterval: (q) => (q.state.data?.runs.some((r) => isRunActive(r.status)) ? 2000 : false),
  });
