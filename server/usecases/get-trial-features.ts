import type { TrialFeaturesDto } from "../contracts/run";
import type { StudioContext } from "../context";
import { SelectionState } from "../data/selection/select";
import { archiveFiles } from "../export/archive-files";
import { keys } from "../storage/keys";
import { NotFoundError } from "./errors";

/** The feature selection a finished candidate was trained with, read from its archive. */
export async function getTrialFeatures(ctx: StudioContext, trialId: string): Promise<TrialFeaturesDto> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const key = `${keys.trialArchive(trial.runId, trial.id)}/${archiveFiles.selection}`;
  if (!(await ctx.blobs.exists(key))) throw new NotFoundError("This candidate's feature selection (it has not finished)");
  const state = SelectionState.parse(JSON.parse((await ctx.blobs.get(key)).toString()));
  return {
    trialId,
    method: state.method,
    scoreLabel: state.scoreLabel,
    kept: state.kept.length,
    of: state.features.length,
    features: state.features,
    notes: state.notes,
  };
}
