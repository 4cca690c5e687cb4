import { queryOptions, useQuery } from "@tanstack/react-query";
import { isRunActive } from "@/server/contracts/run";
import type { RunComparisonDto } from "@/server/contracts/run-comparison";
import { apiFetch, enc } from "./api";

/** GET /api/runs/compare?runs=id1,id2,... (the ids as given: the server checks them) */
export const compareRunsKey = (runIds: string) => ["runs", "compare", runIds] as const;
export const fetchCompareRuns = (runIds: string) => apiFetch<RunComparisonDto>(`/api/runs/compare?runs=${enc(runIds)}`);
export const compareRunsQueryOptions = (runIds: string) => queryOptions({ queryKey: compareRunsKey(runIds), queryFn: () => fetchCompareRuns(runIds) });
export const useCompareRuns = (runIds: string) =>
  useQuery({
    ...compareRunsQueryOptions(runIds),
    // progress lines grow while a compared run searches
    refetchInterval: (q) => (q.state.data?.runs.some((r) => isRunActive(r.run.status)) ? 3000 : false),
  });

export const compareRunsUrl = (runIds: readonly string[]) => `/runs/compare?runs=${runIds.map(enc).join(",")}`;
