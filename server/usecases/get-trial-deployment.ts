import type { TrialDeploymentDto } from "../contracts/deployment";
import type { StudioContext } from "../context";
import { toDeploymentDto } from "./deployment-dto";
import { NotFoundError } from "./errors";

/** A candidate's deployment, or null when it is not deployed. */
export async function getTrialDeployment(ctx: StudioContext, trialId: string): Promise<TrialDeploymentDto> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const row = await ctx.store.getDeploymentOfTrial(trial.id);
  return { deployment: row && toDeploymentDto(row, trial) };
}
