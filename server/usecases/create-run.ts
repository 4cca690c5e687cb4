import { CreateRunInput, type RunDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { DataError } from "../data/data-error";
import { defaultMetric, detectProblemType, metricsFor, validateLabel } from "../data/problem-type";
import { loadTable } from "../data/table-store";
import { families } from "../models/registry";
import { keys } from "../storage/keys";
import { toRunDto } from "./dto";
import { NotFoundError } from "./errors";
import { shortId } from "./ids";

/**
 * Validates a run request against the dataset (the label must be able to train the task) and records the run
 * as queued. The worker process starts it; nothing trains here.
 */
export async function createRun(ctx: StudioContext, raw: unknown): Promise<RunDto> {
  const input = CreateRunInput.parse(raw);
  const dataset = await ctx.store.getDataset(input.datasetId);
  if (!dataset) throw new NotFoundError("The dataset");
  const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(dataset.id)));
  const index = table.columns.findIndex((c) => c.name === input.label);
  if (index < 0) {
    throw new DataError(`There is no column named "${input.label}" in ${dataset.name}. Pick the label from its columns.`);
  }
  if (table.columns.length < 2) throw new DataError("The dataset needs at least one column besides the label.");
  const problemType = input.problemType ?? detectProblemType(table.columns[index], types[index].type);
  validateLabel(table, input.label, problemType);
  const allowed = metricsFor(problemType);
  const metric = input.metric ?? defaultMetric(problemType);
  if (!allowed.includes(metric)) {
    throw new DataError(`The metric ${metric} does not apply to ${problemType} problems; choose one of ${allowed.join(", ")}.`);
  }
  const run = await ctx.store.createRun({
    id: shortId(),
    datasetId: dataset.id,
    label: input.label,
    problemType,
    metric,
    strategy: "random",
    scheduler: "none",
    seed: input.seed ?? 0,
    maxTrials: input.maxTrials ?? null,
    budgetSeconds: input.budgetMinutes !== undefined ? Math.max(1, Math.round(input.budgetMinutes * 60)) : null,
    spaceVersion: families.mlp.spaceVersion,
  });
  return toRunDto(run, [], { workers: ctx.config.workers, datasetName: dataset.name });
}
