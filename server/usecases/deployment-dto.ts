import { predictPath, type DeploymentDto } from "../contracts/deployment";
import type { DeploymentRow, TrialRow } from "../db/store";

/** A deployment row to the API's DTO, with the number and family of the candidate it serves. */
export function toDeploymentDto(row: DeploymentRow, trial: Pick<TrialRow, "number" | "family">): DeploymentDto {
  return {
    id: row.id,
    trialId: row.trialId,
    runId: row.runId,
    trialNumber: trial.number,
    family: trial.family,
    createdAt: row.createdAt.toISOString(),
    endpoint: predictPath(row.id),
  };
}
