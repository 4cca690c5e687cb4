import { hasScore } from "../contracts/run";
import type { DeploymentDto } from "../contracts/deployment";
import type { StudioContext } from "../context";
import { archiveFiles } from "../export/archive-files";
import { keys } from "../storage/keys";
import { toDeploymentDto } from "./deployment-dto";
import { toTrialDto } from "./dto";
import { ConflictError, NotFoundError } from "./errors";
import { shortId } from "./ids";
import { predictorCache, type PredictorCache } from "./predictor-cache";

export interface DeployOutput {
  deployment: DeploymentDto;
  /** false when the candidate was already deployed (that deployment is returned) */
  created: boolean;
}

/**
 * Deploys a finished candidate (any with an archive, ensembles included) for real-time predictions: records the
 * deployment and loads its predictor into the cache (unless it is there), so that the first request is as fast as the
 * next. Deploying a deployed candidate returns its deployment.
 */
export async function deployCandidate(ctx: StudioContext, trialId: string, cache: PredictorCache = predictorCache()): Promise<DeployOutput> {
  const trial = await ctx.store.getTrial(trialId);
  if (!trial) throw new NotFoundError("The candidate");
  if (!hasScore(toTrialDto(trial))) throw new ConflictError(`Candidate #${trial.number} is ${trial.status}; only finished candidates can be deployed.`);
  const archive = keys.trialArchive(trial.runId, trial.id);
  if (!(await ctx.blobs.exists(`${archive}/${archiveFiles.manifest}`))) {
    throw new ConflictError(`Candidate #${trial.number} has no archive, so it can't be deployed.`);
  }
  const id = shortId();
  // one deployment per candidate: a deployed one (or one deployed by another request at the same moment) is returned
  const row = await ctx.store.createDeployment({ id, trialId: trial.id, runId: trial.runId });
  const created = row.id === id;
  try {
    await cache.use(row.id, () => ctx.blobs.localPath(archive), () => undefined);
  } catch (err) {
    // a model that does not load is not deployed
    if (created) await ctx.store.deleteDeployment(row.id);
    throw err;
  }
  // predictors of deployments deleted with their run or candidate, or undeployed by another process, leave the cache
  cache.retain((await ctx.store.listDeployments()).map((d) => d.id));
  return { deployment: toDeploymentDto(row, trial), created };
}
