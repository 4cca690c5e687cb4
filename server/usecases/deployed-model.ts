import type { StudioContext } from "../context";
import type { DeploymentRow } from "../db/store";
import { ArchiveNotFoundError } from "../export/archive-files";
import type { ArchivePredictor } from "../export/archive-predictor";
import { keys } from "../storage/keys";
import { NotFoundError } from "./errors";
import type { PredictorCache } from "./predictor-cache";

/**
 * Calls `use` with a deployed model's predictor: from the cache when warm (one database read, no file), else loaded
 * from its candidate's archive. A model id that is not deployed (any more) is a 404, and its predictor leaves the cache.
 */
export async function useDeployedModel<T>(
  ctx: StudioContext,
  modelId: string,
  cache: PredictorCache,
  use: (predictor: ArchivePredictor, deployment: DeploymentRow) => T,
): Promise<T> {
  const deployment = await ctx.store.getDeployment(modelId);
  if (!deployment) {
    cache.evict(modelId);
    throw new NotFoundError("The model", `No model is deployed as "${modelId}": it was never deployed, or it was undeployed.`);
  }
  const dir = () => ctx.blobs.localPath(keys.trialArchive(deployment.runId, deployment.trialId));
  return cache.use(deployment.id, dir, (predictor) => use(predictor, deployment)).catch((err: unknown) => {
    throw err instanceof ArchiveNotFoundError ? new NotFoundError("The model's archive", err.message) : err;
  });
}
