import type { StudioContext } from "../context";
import { NotFoundError } from "./errors";
import { predictorCache, type PredictorCache } from "./predictor-cache";

/**
 * Undeploys a candidate: its model id answers 404 from now on and its predictor leaves the cache (disposed). A candidate
 * that is not deployed is left as it is.
 */
export async function undeployCandidate(ctx: StudioContext, trialId: string, cache: PredictorCache = predictorCache()): Promise<void> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  const deployment = await ctx.store.getDeploymentOfTrial(trial.id);
  if (!deployment) return;
  await ctx.store.deleteDeployment(deployment.id);
  cache.evict(deployment.id);
}
