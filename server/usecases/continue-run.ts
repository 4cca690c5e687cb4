import { ContinueRunInput, type RunDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { toRunDto } from "./dto";
import { ENSEMBLE_FAMILY } from "../models/ensemble/ensemble-spec";
import { keys } from "../storage/keys";
import { ConflictError, NotFoundError } from "./errors";

/**
 * Continues a finished (completed or cancelled) run with more budget: N more trials and/or M more minutes,
 * counted from where it stopped. The run goes back to "queued"; the worker carries on from the stored trials.
 */
export async function continueRun(ctx: StudioContext, id: string, raw: unknown): Promise<RunDto> {
  const input = ContinueRunInput.parse(raw);
  const run = await ctx.store.getRun(id);
  if (!run) throw new NotFoundError("The run");
  if (run.status !== "completed" && run.status !== "cancelled") {
    throw new ConflictError(`The run is ${run.status}; only a completed or cancelled run can be continued.`);
  }
  // the ensembles combined the search as it ended; the continued search ends with new ones
  for (const t of (await ctx.store.listTrials(id)).filter((t) => t.family === ENSEMBLE_FAMILY)) {
    await ctx.blobs.remove(keys.trialArchive(id, t.id));
    await ctx.store.deleteTrial(t.id);
  }
  const trials = await ctx.store.listTrials(id);
  const maxTrials = input.extraTrials !== undefined ? trials.length + input.extraTrials : null;
  const budgetSeconds = input.extraMinutes !== undefined ? Math.ceil(run.elapsedSeconds + input.extraMinutes * 60) : null;
  const applied = await ctx.store.transitionRun(id, ["completed", "cancelled"], {
    status: "queued",
    maxTrials,
    budgetSeconds,
    error: null,
    finishedAt: null,
  });
  if (!applied) throw new ConflictError("The run changed meanwhile; reload and try again.");
  const after = (await ctx.store.getRun(id)) ?? run;
  return toRunDto(after, trials, { workers: ctx.config.workers });
}
