import { queryOptions, useQuery } from "@tanstack/react-query";
import type { CompareDto } from "@/server/contracts/compare";
import { apiFetch, enc } from "./api";

/** GET /api/compare?trials=id1,id2,...: candidates side by side (a finished candidate never changes, so no polling) */
export const compareKey = (trialIds: string[]) => ["compare", trialIds.join(",")] as const;
export const fetchComparison = (trialIds: string[]) => apiFetch<CompareDto>(`/api/compare?trials=${enc(trialIds.join(","))}`);
// loading the candidates' models makes it costly: fetched once, and an error (a bad URL) is not retried
export const comparisonQueryOptions = (trialIds: string[]) =>
  queryOptions({ queryKey: compareKey(trialIds), queryFn: () => fetchComparison(trialIds), staleTime: Infinity, retry: false });
export const useComparison = (trialIds: string[]) => useQuery(comparisonQueryOptions(trialIds));

export const comparisonCsvUrl = (trialIds: string[]) => `/api/compare/csv?trials=${enc(trialIds.join(","))}`;
