import { enc } from "./api";

/** GET /api/runs/:id/report: the run report notebook (settings, leaderboard, search history; a download, not a query) */
export const runReportUrl = (runId: string) => `/api/runs/${enc(runId)}/report`;
