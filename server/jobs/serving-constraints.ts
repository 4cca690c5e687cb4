import type { RunRow, TrialRow } from "../db/store";

/** a run's serving constraints (null: no limit) */
export type ServingLimits = Pick<RunRow, "maxArchiveBytes" | "maxPredictMsPer1k" | "maxTrainSeconds">;
/** what a finished candidate costs (null: not measured) */
export type CandidateCosts = Pick<TrialRow, "archiveBytes" | "predictMsPer1k" | "trainSeconds">;

export interface Feasibility {
  /** why the candidate breaks the constraints, in words; null when it meets them all */
  reason: string | null;
  /**
   * how far it breaks them (Optuna's constraint values, summed): each broken limit adds its relative excess, so a
   * candidate twice the size limit is further off than one 10% over; 0 when feasible, above 0 otherwise
   */
  violation: number;
}

const MB = 1024 * 1024;
/** a candidate stopped at the training time limit: we cannot tell how far over it would have gone */
const STOPPED_AT_TIME_LIMIT = 0.1;

/**
 * Checks a finished candidate's costs against its run's limits. A candidate whose training reached the time limit
 * was stopped there (see train-trial.ts), so reaching it counts as breaking it.
 */
export function checkConstraints(limits: ServingLimits, costs: CandidateCosts): Feasibility {
  const broken: { reason: string; excess: number }[] = [];
  const { maxArchiveBytes, maxPredictMsPer1k, maxTrainSeconds } = limits;
  if (maxArchiveBytes !== null && costs.archiveBytes !== null && costs.archiveBytes > maxArchiveBytes) {
    broken.push({ reason: `archive ${megabytes(costs.archiveBytes)} is over the ${megabytes(maxArchiveBytes)} limit`, excess: costs.archiveBytes / maxArchiveBytes - 1 });
  }
  if (maxPredictMsPer1k !== null && costs.predictMsPer1k !== null && costs.predictMsPer1k > maxPredictMsPer1k) {
    broken.push({
      reason: `predicting 1,000 rows takes ${round(costs.predictMsPer1k)} ms, over the ${round(maxPredictMsPer1k)} ms limit`,
      excess: costs.predictMsPer1k / maxPredictMsPer1k - 1,
    });
  }
  if (maxTrainSeconds !== null && costs.trainSeconds !== null && costs.trainSeconds >= maxTrainSeconds) {
    broken.push({ reason: `training reached the ${round(maxTrainSeconds)} s limit and was stopped there`, excess: Math.max(STOPPED_AT_TIME_LIMIT, costs.trainSeconds / maxTrainSeconds - 1) });
  }
  if (broken.length === 0) return { reason: null, violation: 0 };
  return { reason: broken.map((b) => b.reason).join("; "), violation: broken.reduce((a, b) => a + b.excess, 0) };
}

/** when a trial must stop training (ms since epoch): `started` plus the run's time limit, or Infinity without one */
export function trainingDeadline(limits: ServingLimits, started: number): number {
  return limits.maxTrainSeconds === null ? Infinity : started + limits.maxTrainSeconds * 1000;
}

const round = (v: number) => +v.toPrecision(3);
const megabytes = (bytes: number) => `${round(bytes / MB)} MB`;
