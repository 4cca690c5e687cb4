import type { RunDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { toRunDto } from "./dto";
import { ConflictError, NotFoundError } from "./errors";

/**
 * Asks a queued or running run to stop: it becomes "cancelling", its queued jobs are dropped, and the
 * coordinator closes it once running trials have stopped at their next epoch.
 */
export async function cancelRun(ctx: StudioContext, id: string): Promise<RunDto> {
  const run = await ctx.store.getRun(id);
  if (!run) throw new NotFoundError("The run");
  const applied = await ctx.store.transitionRun(id, ["queued", "running"], { status: "cancelling" });
  if (!applied) {
    const now = await ctx.store.getRun(id);
    if (now?.status !== "cancelling") throw new ConflictError(`The run is ${now?.status ?? "gone"}; only a queued or running run can be cancelled.`);
  }
  await ctx.queue.cancelRun(id);
  const after = (await ctx.store.getRun(id)) ?? run;
  return toRunDto(after, await ctx.store.listTrials(id), { workers: ctx.config.workers });
}
