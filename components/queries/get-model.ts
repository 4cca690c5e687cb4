import { queryOptions, useQuery } from "@tanstack/react-query";
import type { ModelInfoDto } from "@/server/contracts/deployment";
import { apiFetch, enc } from "./api";

/** GET /api/models/:id — a deployed model's inputs and an example row */
export const modelKey = (modelId: string) => ["models", modelId] as const;
export const fetchModel = (modelId: string) => apiFetch<ModelInfoDto>(`/api/models/${enc(modelId)}`);
export const modelQueryOptions = (modelId: string) => queryOptions({ queryKey: modelKey(modelId), queryFn: () => fetchModel(modelId), staleTime: Infinity });
export const useModel = (modelId: string | null) => useQuery({ ...modelQueryOptions(modelId ?? ""), enabled: modelId !== null });
