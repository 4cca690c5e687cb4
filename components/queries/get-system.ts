import { queryOptions, useQuery } from "@tanstack/react-query";
import type { SystemDto } from "@/server/contracts/dataset-api";
import { apiFetch } from "./api";

/** GET /api/system */
export const systemKey = ["system"] as const;
export const fetchSystem = () => apiFetch<SystemDto>("/api/system");
export const systemQueryOptions = () => queryOptions({ queryKey: systemKey, queryFn: fetchSystem });
export const useSystem = () => useQuery({ ...systemQueryOptions(), refetchInterval: 10_000 });
