import type { DeploymentListDto } from "../contracts/deployment";
import type { StudioContext } from "../context";
import { toDeploymentDto } from "./deployment-dto";
import { NotFoundError } from "./errors";

/** A run's deployed candidates, the oldest first. */
export async function listDeployments(ctx: StudioContext, runId: string): Promise<DeploymentListDto> {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new NotFoundError("The run");
  const rows = await ctx.store.listDeployments({ runId });
  if (rows.length === 0) return { deployments: [] };
  const trials = new Map((await ctx.store.listTrials(runId)).map((t) => [t.id, t]));
  return { deployments: rows.flatMap((row) => (trials.has(row.trialId) ? [toDeploymentDto(row, trials.get(row.trialId)!)] : [])) };
}
