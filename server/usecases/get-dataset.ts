import { z } from "zod";
import { DatasetWarning } from "../contracts/dataset";
import type { DatasetDetailDto } from "../contracts/dataset-api";
import type { StudioContext } from "../context";
import { datasetWarnings } from "../data/guardrails";
import { datasetDerivedFile } from "./dataset-derived-file";
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

/** The dataset-level warnings (identifiers, constant columns, duplicated rows, missingness; server/data/guardrails.ts). */
const warningsFile = datasetDerivedFile("warnings.json", z.array(DatasetWarning), datasetWarnings);
export const writeDatasetWarnings = warningsFile.write;
export const readDatasetWarnings = warningsFile.read;
