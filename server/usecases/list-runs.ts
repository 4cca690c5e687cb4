import type { RunListDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { toRunDto } from "./dto";

/** Every run, newest first (optionally of one dataset). */
export async function listRuns(ctx: StudioContext, filter: { datasetId?: string } = {}): Promise<RunListDto> {
  const [runs, datasets] = await Promise.all([ctx.store.listRuns(filter.datasetId ? { datasetId: filter.datasetId } : undefined), ctx.store.listDatasets()]);
  const names = new Map(datasets.map((d) => [d.id, d.name]));
  const dtos = await Promise.all(
    runs.map(async (run) => toRunDto(run, await ctx.store.listTrials(run.id), { workers: ctx.config.workers, datasetName: names.get(run.datasetId) ?? null })),
  );
  return { runs: dtos.sort((a, b) => b.createdAt.localeCompare(a.createdAt)) };
}
