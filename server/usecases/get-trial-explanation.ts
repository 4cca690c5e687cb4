import { CandidateExplanation, type TrialExplanationDto } from "../contracts/explanation";
import type { StudioContext } from "../context";
import { keys } from "../storage/keys";
import { NotFoundError } from "./errors";

/** What a finished candidate's model does on its validation rows (server/jobs/explain-candidate.ts), as stored with it. */
export async function getTrialExplanation(ctx: StudioContext, trialId: string): Promise<TrialExplanationDto> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const key = keys.trialExplanation(trial.runId, trial.id);
  if (!(await ctx.blobs.exists(key))) {
    throw new NotFoundError("This candidate's explanation", "This candidate has no explanation yet: explanations are computed when a candidate finishes.");
  }
  const explanation = CandidateExplanation.parse(JSON.parse((await ctx.blobs.get(key)).toString()));
  return { trialId, ...explanation };
}
