import { createRequire } from "node:module";
import { z } from "zod";
import { ColumnType, Metric, ProblemType } from "../contracts/dataset";
import { deriveSeed } from "../automl/rng";

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
  /** the validation score: of the holdout split, or out of fold over every non-test row (cv) */
  validation: z.object({
    score: z.number(),
    metrics: z.record(z.string(), z.number()),
    rows: z.number().int(),
    /** bootstrap standard error of the score (archives from before it was measured lack it) */
    stdError: z.number().optional(),
    kind: z.enum(["holdout", "cv"]).optional(),
    folds: z.number().int().optional(),
    /** false when the budget or a cancel ended the folds early: the score covers only the folds trained */
    complete: z.boolean().optional(),
  }),
  /** the kept model's score on the test split, which no stage of the search saw; null when the run held out none */
  test: z.object({ score: z.number(), metrics: z.record(z.string(), z.number()), rows: z.number().int(), stdError: z.number().optional() }).nullable(),
  /** what the kept model was trained on, in words: refit on all non-test rows, or (cut short) one fold's training rows */
  fittedOn: z.string(),
  /** the refit on all non-test rows, with the epoch count validation chose; null when the model was not refit */
  refit: z.object({ rows: z.number().int(), epochs: z.number().int() }).nullable().optional(),
  /**
   * a cross-validated candidate deploys every fold's model, its predictions the average of theirs (bagging): each
   * one's folder (model/ with its own preprocessing.json and selection.json), fold, training seed and epochs
   */
  bag: z
    .array(z.object({ folder: z.string(), fold: z.string(), seed: z.number().int(), epochs: z.number().int(), bestEpoch: z.number().int() }))
    .min(2)
    .optional(),
  epochs: z.number().int(),
  bestEpoch: z.number().int(),
  backend: z.string(),
  versions: z.record(z.string(), z.string()),
  createdAt: z.string(),
});
export type Manifest = z.infer<typeof Manifest>;

/**
 * The seed the archived model's fit was given: what the notebooks' retrains (python/network.py, trees.py) need to draw the
 * studio's initial weights, row order and dropout masks again. server/jobs/train-trial.ts seeds the refit on all
 * non-test rows (estimate-candidate.ts's model -1) with deriveSeed(run seed, "train", trial number, "refit"), and the
 * first validation fold with manifest.trainingSeed; the archive keeps the refit, or the first fold's model when there
 * was no refit (manifest.refit null).
 */
export function keptModelSeed(manifest: Pick<Manifest, "seed" | "trialNumber" | "trainingSeed" | "refit">): number {
  return manifest.refit ? deriveSeed(manifest.seed, "train", manifest.trialNumber, "refit") : manifest.trainingSeed;
}

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
