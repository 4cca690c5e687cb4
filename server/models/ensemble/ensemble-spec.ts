import { z } from "zod";

export { ENSEMBLE_FAMILY } from "../../contracts/run";
export const ENSEMBLE_SPACE_VERSION = "ensemble/1";
export const ENSEMBLE_METHODS = ["greedy", "stacking"] as const;
export const EnsembleMethod = z.enum(ENSEMBLE_METHODS);
export type EnsembleMethod = z.infer<typeof EnsembleMethod>;

/**
 * ensemble.json, beside an ensemble archive's members/<number>/ folders (each a whole candidate archive): how the
 * members' predictions combine. Greedy selection averages them with `weight`s summing to 1; stacking feeds them
 * (stackingFeatures) to a linear model saved in stacker/.
 */
export const EnsembleSpec = z.object({
  version: z.literal(1),
  method: EnsembleMethod,
  members: z
    .array(z.object({ trialId: z.string(), number: z.number().int(), family: z.string(), weight: z.number().min(0), folder: z.string() }))
    .min(1),
});
export type EnsembleSpec = z.infer<typeof EnsembleSpec>;

export const ensembleFiles = { spec: "ensemble.json", members: "members", stacker: "stacker" } as const;
