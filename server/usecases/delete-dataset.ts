import type { StudioContext } from "../context";
import { keys } from "../storage/keys";
import { NotFoundError } from "./errors";

/**
 * Deletes a dataset and everything made from it: its runs' queued jobs are dropped (and running trials stop at
 * their next epoch, when they find the run gone), their files removed, and the rows deleted (runs, trials and
 * curves by cascade).
 */
export async function deleteDataset(ctx: StudioContext, id: string): Promise<void> {
  const row = await ctx.store.getDataset(id);
  if (!row) throw new NotFoundError("The dataset");
  const runs = await ctx.store.listRuns({ datasetId: id });
  for (const run of runs) {
    await ctx.queue.cancelRun(run.id);
    await ctx.store.transitionRun(run.id, ["queued", "running"], { status: "cancelling" });
  }
  await ctx.store.deleteDataset(id);
  for (const run of runs) await ctx.blobs.remove(keys.runDir(run.id));
  await ctx.blobs.remove(keys.datasetDir(id));
}
