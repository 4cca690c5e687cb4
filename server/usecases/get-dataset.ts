import { z } from "zod";
import { DatasetWarning } from "../contracts/dataset";
import type { DatasetDetailDto } from "../contracts/dataset-api";
import type { StudioContext } from "../context";
import { datasetWarnings } from "../data/guardrails";
import type { InferredType } from "../data/infer-types";
import { loadTable } from "../data/table-store";
import type { Table } from "../data/table";
import { keys } from "../storage/keys";
import { toDatasetDto, toRunDto } from "./dto";
import { NotFoundError } from "./errors";
import { metricOptions, readLabelOptions } from "./label-options";

/**
 * A dataset with its column profiles, the columns that can be labels (and their problem types), its runs, and the
 * label-independent guardrail warnings.
 */
export async function getDataset(ctx: StudioContext, id: string): Promise<DatasetDetailDto> {
  const row = await ctx.store.getDataset(id);
  if (!row) throw new NotFoundError("The dataset");
  const [labels, warnings, runs] = await Promise.all([readLabelOptions(ctx, row.id), readDatasetWarnings(ctx, row.id), ctx.store.listRuns({ datasetId: id })]);
  const runDtos = await Promise.all(
    runs.map(async (run) => toRunDto(run, await ctx.store.listTrials(run.id), { workers: ctx.config.workers, datasetName: row.name })),
  );
  runDtos.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { dataset: toDatasetDto(row), labels, metrics: metricOptions(), runs: runDtos, warnings };
}

/**
 * The dataset-level warnings (identifiers, constant columns, duplicated rows, missingness; server/data/guardrails.ts).
 * Computed once at upload, while the table is in memory, and kept beside it; recomputed from the stored table when
 * the file is missing (a dataset uploaded before the warnings existed) or unreadable.
 */
const warningsKey = (datasetId: string) => `${keys.datasetDir(datasetId)}/warnings.json`;
const StoredWarnings = z.array(DatasetWarning);

export async function writeDatasetWarnings(ctx: StudioContext, datasetId: string, table: Table, types: InferredType[]): Promise<DatasetWarning[]> {
  const warnings = datasetWarnings(table, types);
  await ctx.blobs.put(warningsKey(datasetId), JSON.stringify(warnings));
  return warnings;
}

export async function readDatasetWarnings(ctx: StudioContext, datasetId: string): Promise<DatasetWarning[]> {
  const key = warningsKey(datasetId);
  if (await ctx.blobs.exists(key)) {
    try {
      const parsed = StoredWarnings.safeParse(JSON.parse((await ctx.blobs.get(key)).toString("utf8")));
      if (parsed.success) return parsed.data;
    } catch {
      // not JSON: recomputed below
    }
  }
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(datasetId)));
  return writeDatasetWarnings(ctx, datasetId, table, types);
}
