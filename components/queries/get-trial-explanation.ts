import { queryOptions, useQuery } from "@tanstack/react-query";
import type { TrialExplanationDto } from "@/server/contracts/explanation";
import { ApiError, apiFetch, enc } from "./api";

/** GET /api/trials/:id/explanation — fixed once written (when the candidate finishes), so cached for good */
export const explanationKey = (trialId: string) => ["trials", trialId, "explanation"] as const;
export const fetchTrialExplanation = (trialId: string) => apiFetch<TrialExplanationDto>(`/api/trials/${enc(trialId)}/explanation`);
export const trialExplanationQueryOptions = (trialId: string) =>
  queryOptions({ queryKey: explanationKey(trialId), queryFn: () => fetchTrialExplanation(trialId), staleTime: Infinity });

/** the API's answer for a candidate whose explanation is not written yet (it is still training) */
export const isExplanationPending = (err: unknown) => err instanceof ApiError && err.status === 404;

/** `poll`: while the candidate may still finish, ask again every few seconds until its explanation is there */
export const useTrialExplanation = (trialId: string | null, poll = true) =>
  useQuery({
    ...trialExplanationQueryOptions(trialId ?? ""),
    enabled: trialId !== null,
    refetchInterval: (q) => (poll && isExplanationPending(q.state.error) ? 5000 : false),
  });
