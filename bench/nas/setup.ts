/**
 * What `npm run bench:nas` can run: the datasets (real CSVs in shared/datasets) and the estimation configurations,
 * each a NAS run searched by evolution; only how candidates are scored, or how long each trains, differs.
 */
import path from "node:path";
import type { EstimationName, SchedulerName } from "../../server/contracts/run";

export const DATASET_DIR = path.resolve(import.meta.dirname, "../../../shared/datasets");

export const DATASETS = {
  "credit-g": { file: "credit-g.csv", label: "class" },
  "telco-churn": { file: "telco-churn.csv", label: "churn" },
  shuttle: { file: "shuttle.csv", label: "Class" },
} as const;
export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** each estimation on its own, and Hyperband as the scheduler over full training */
export const CONFIGS = {
  full: { estimation: "full", scheduler: "none" },
  low: { estimation: "low", scheduler: "none" },
  curve: { estimation: "curve", scheduler: "none" },
  inherit: { estimation: "inherit", scheduler: "none" },
  hyperband: { estimation: "full", scheduler: "hyperband" },
} as const satisfies Record<string, { estimation: EstimationName; scheduler: SchedulerName }>;
export type ConfigName = keyof typeof CONFIGS;
export const CONFIG_NAMES = Object.keys(CONFIGS) as ConfigName[];

/** every other configuration is measured against this one's best, so it always runs, first */
export const REFERENCE: ConfigName = "full";
export const STRATEGY = "evolution";
