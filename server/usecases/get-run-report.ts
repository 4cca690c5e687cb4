import type { StudioContext } from "../context";
import { runReportNotebook } from "../export/notebook/run-report-notebook";
import { getRun } from "./get-run";
import { safeFileStem } from "./get-dataset-notebook";

/**
 * A run's report notebook (.ipynb): its settings, its leaderboard and its search history with plots, every candidate
 * embedded as data, so the notebook runs without the studio. A run still searching gives a report of the moment.
 */
export async function getRunReport(ctx: StudioContext, runId: string): Promise<{ fileName: string; notebook: string }> {
  const { run, trials } = await getRun(ctx, runId);
  const row = await ctx.store.getDataset(run.datasetId);
  const dataset = row && { name: row.name, sha256: row.sha256, rowCount: row.rowCount, columnCount: row.columnCount };
  return { fileName: `run-report-${safeFileStem(run.id, "run")}.ipynb`, notebook: runReportNotebook({ run, trials, dataset }) };
}
