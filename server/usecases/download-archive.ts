import type { StudioContext } from "../context";
import { ArchiveNotFoundError, zipArchive } from "../export/archive";
import { NotFoundError } from "./errors";

/** A candidate's archive (manifest, preprocessing, model) as a zip. */
export async function downloadArchive(ctx: StudioContext, trialId: string): Promise<{ fileName: string; bytes: Uint8Array }> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const bytes = await zipArchive(ctx.blobs, trial.runId, trial.id).catch((err: unknown) => {
    throw err instanceof ArchiveNotFoundError ? new NotFoundError("The archive", err.message) : err;
  });
  return { fileName: `run-${trial.runId}-candidate-${trial.number}.zip`, bytes };
}
