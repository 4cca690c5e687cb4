import type { LabelReportDto, LabelReportQuery } from "../contracts/dataset-api";
import type { StudioContext } from "../context";
import { labelWarnings } from "../data/guardrails";
import { loadTable } from "../data/table-store";
import { keys } from "../storage/keys";
import { NotFoundError } from "./errors";
import { resolveLabel } from "./label-options";

/**
 * The guardrails that depend on the label: each column's association with it (normalised mutual information),
 * severe class imbalance and leakage suspects. The problem type is the one detected for the label unless given.
 * Computed on request from the stored table (a fraction of a second on 58,000 rows); the data never changes, so
 * clients cache the answer.
 */
export async function getLabelReport(ctx: StudioContext, datasetId: string, query: LabelReportQuery): Promise<LabelReportDto> {
  const row = await ctx.store.getDataset(datasetId);
  if (!row) throw new NotFoundError("The dataset");
  const { problemType } = await resolveLabel(ctx, datasetId, query.label, query.problemType);
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(datasetId)));
  const { associations, warnings } = labelWarnings(table, types, query.label, problemType);
  return { label: query.label, problemType, associations, warnings };
}
