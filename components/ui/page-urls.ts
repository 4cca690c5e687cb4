/** the run page opened on one candidate (RunPage reads ?candidate=) */
export const candidatePageUrl = (runId: string, trialId: string) => `/runs/${encodeURIComponent(runId)}?candidate=${encodeURIComponent(trialId)}`;
