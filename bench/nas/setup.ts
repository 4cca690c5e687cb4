/**
 * What `npm run bench:nas` can run: the datasets (real CSVs in shared/datasets) and the estimation configurations,
 * each a NAS run searched by evolution; only how candidates are scored, or how long each trains, differs.
 */
import path from "node:path";

export const DATASET_DIR = path.resolve(import.meta.dirname, "../../../shared/datasets");

export const DATASETS = {
  "credit-g": { file: "credit-g.csv", label: "class" },
  "telco-churn": { file: "telco-churn.csv", label: "churn" },
  shuttle: { file: "shuttle.csv", label: "Class" },
} as const;
export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/**
 * The estimation names are plain strings, not the contract's enum: "low" and "inherit" may not exist yet, and
 * createRun is what says so (the bench records its refusal instead of failing to compile).
 */
export const CONFIGS = {
  full: { estimation: "full", scheduler: "none" },
  low: { estimation: "low", scheduler: "none" },
  curve: { estimation: "curve", scheduler: "none" },
  inherit: { estimation: "inherit", scheduler: "none" },
  hyperband: { estimation: "full", scheduler: "hyperband" },
} as const satisfies Record<string, { estimation: string; scheduler: string }>;
export type ConfigName = keyof typeof CONFIGS;
export const CONFIG_NAMES = Object.keys(CONFIGS) as ConfigName[];

/** every other configuration is measured against this one's best, so it always runs, first */
export const REFERENCE: ConfigName = "full";
export const STRATEGY = "evolution";
