import { queryOptions, useQuery } from "@tanstack/react-query";
import type { DatasetListDto } from "@/server/contracts/dataset-api";
import { apiFetch } from "./api";

/** GET /api/datasets */
export const datasetsKey = ["datasets"] as const;
export const fetchDatasets = () => apiFetch<DatasetListDto>("/api/datasets");
export const datasetsQueryOptions = () => queryOptions({ queryKey: datasetsKey, queryFn: fetchDatasets });
export const useDatasets = () => useQuery(datasetsQueryOptions());
