import type { DatasetDetailDto } from "../contracts/dataset-api";
import type { StudioContext } from "../context";
import { toDatasetDto, toRunDto } from "./dto";
import { NotFoundError } from "./errors";
import { metricOptions, readLabelOptions } from "./label-options";

/** A dataset with its column profiles, the columns that can be labels (and their problem types), and its runs. */
export async function getDataset(ctx: StudioContext, id: string): Promise<DatasetDetailDto> {
  const row = await ctx.store.getDataset(id);
  if (!row) throw new NotFoundError("The dataset");
  const [labels, runs] = await Promise.all([readLabelOptions(ctx, row.id), ctx.store.listRuns({ datasetId: id })]);
  const runDtos = await Promise.all(
    runs.map(async (run) => toRunDto(run, await ctx.store.listTrials(run.id), { workers: ctx.config.workers, datasetName: row.name })),
  );
  runDtos.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return { dataset: toDatasetDto(row), labels, metrics: metricOptions(), runs: runDtos };
}
