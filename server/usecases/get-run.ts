import { compareTrials, metricDirection, type RunDetailDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { toRunDto, toTrialDto } from "./dto";
import { NotFoundError } from "./errors";

/** A run with its leaderboard: every candidate, best validation score first. */
export async function getRun(ctx: StudioContext, id: string): Promise<RunDetailDto> {
  const run = await ctx.store.getRun(id);
  if (!run) throw new NotFoundError("The run");
  const [trials, dataset] = await Promise.all([ctx.store.listTrials(id), ctx.store.getDataset(run.datasetId)]);
  const now = Date.now();
  return {
    run: toRunDto(run, trials, { workers: ctx.config.workers, datasetName: dataset?.name ?? null, now }),
    trials: trials.map((t) => toTrialDto(t, now)).sort(compareTrials(metricDirection(run.metric))),
  };
}
