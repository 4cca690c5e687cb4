import type { StudioContext } from "../context";
import { keys } from "../storage/keys";
import { NotFoundError } from "./errors";

/** Deletes a run: drops its queued jobs, removes its files (split, archives) and its rows (trials, curves by cascade). */
export async function deleteRun(ctx: StudioContext, id: string): Promise<void> {
  const run = await ctx.store.getRun(id);
  if (!run) throw new NotFoundError("The run");
  await ctx.queue.cancelRun(id);
  await ctx.store.transitionRun(id, ["queued", "running"], { status: "cancelling" });
  await ctx.store.deleteRun(id);
  await ctx.blobs.remove(keys.runDir(id));
}
