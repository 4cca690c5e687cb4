import { createRequire } from "node:module";
import { z } from "zod";
import { ColumnType, Metric, ProblemType } from "../contracts/dataset";

/** manifest.json, the first file of every candidate archive: enough to know what the model is and how it was made. */
export const Manifest = z.object({
  format: z.literal("automl-studio-candidate/1"),
  candidateId: z.string(),
  runId: z.string(),
  trialNumber: z.number().int(),
  family: z.string(),
  spaceVersion: z.string(),
  hyperparameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  seed: z.number().int(),
  trainingSeed: z.number().int(),
  dataset: z.object({ name: z.string(), sha256: z.string(), rows: z.number().int() }),
  columns: z.array(z.object({ name: z.string(), type: ColumnType })),
  /** the model's input features after the fitted data stages, and the feature selection that chose them */
  features: z.object({ selection: z.string(), kept: z.array(z.string()), of: z.number().int() }),
  label: z.string(),
  problemType: ProblemType,
  classes: z.array(z.string()),
  metric: Metric,
  validation: z.object({ score: z.number(), metrics: z.record(z.string(), z.number()), rows: z.number().int() }),
  test: z.object({ score: z.number(), metrics: z.record(z.string(), z.number()), rows: z.number().int() }),
  /** how the scored model was trained: the training split only, validated on the validation split */
  fittedOn: z.string(),
  epochs: z.number().int(),
  bestEpoch: z.number().int(),
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
export type Manifest = z.infer<typeof Manifest>;

const require = createRequire(import.meta.url);

/** Versions of what produced the model, for the manifest. */
export function packageVersions(): Record<string, string> {
  const versions: Record<string, string> = { node: process.version };
  for (const name of ["@tensorflow/tfjs-core", "@tensorflow/tfjs-layers", "papaparse"]) {
    versions[name] = (require(`${name}/package.json`) as { version: string }).version;
  }
  versions["automl-studio"] = (require("../../package.json") as { version: string }).version;
  return versions;
}
