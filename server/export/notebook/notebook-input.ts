import type { PreprocessorState } from "../../data/preprocess";
import type { SelectionState } from "../../data/selection/select";
import type { CalibrationState } from "../../automl/calibration/calibration-state";
import type { EnsembleMethod } from "../../models/ensemble/ensemble-spec";
import type { Manifest } from "../manifest";
import type { PortableModel } from "../portable/portable-model";

type Value = string | number | boolean;

/** One fitted model of a candidate, with the data stages fitted with it: its one model, or one of its bag's folds. */
export interface NotebookFit {
  /** the folder of its model/ and portable.json relative to the candidate's archive, with / ("", "folds/2", "members/3/folds/2") */
  folder: string;
  /** a name for it in Python, unique in the notebook ("7", "7_fold_2") */
  key: string;
  preprocessing: PreprocessorState;
  selection: SelectionState | null;
  /** the rows it was fitted on: every non-test row (a refit), or the training rows of fold `fold` (0-based; holdout: 0) */
  refit: boolean;
  fold: number;
  /** the seed and the epochs (or rounds) of its fit, for the retrain */
  seed: number;
  epochs: number;
}

/** One candidate archive as a notebook needs it: the candidate itself, or an ensemble's member. */
export interface NotebookModel {
  /** the archive folder relative to the candidate's ("" for the candidate itself, "members/3" for a member), with / */
  folder: string;
  manifest: Manifest;
  /** its fitted models: one, or a bag's (one per cross-validation fold, their predictions averaged) */
  fits: NotebookFit[];
  calibration: CalibrationState | null;
  portableKind: PortableModel["kind"];
  /** the family's own hyperparameters, unprefixed (what its fit reads) */
  hyperparameters: Record<string, Value>;
  classWeight: "none" | "balanced";
}

/** A candidate near this one in the search space, and what it changed. */
export interface Neighbour {
  number: number;
  family: string;
  valScore: number;
  testScore: number | null;
  changes: { name: string; from: Value | null; to: Value | null }[];
}

export interface CandidateNotebookInput {
  manifest: Manifest;
  /** the file name the dataset was uploaded as: the notebook's default CSV path */
  csvFileName: string;
  /** the candidate's place on the leaderboard by validation score (1 is best), among `candidates` scored ones */
  rank: number | null;
  candidates: number;
  search: { strategy: string; scheduler: string; estimation: string; families: string[]; reason: string | null; parentNumber: number | null };
  /** every stored hyperparameter of the trial (family, data stages), for display */
  params: Record<string, Value>;
  /** the rows the replay compares on: the test split, or the validation rows when the run held out no test split */
  replayRows: "test" | "validation";
  /** a single model, or an ensemble's members with how they combine */
  model: { kind: "single"; single: NotebookModel } | { kind: "ensemble"; method: EnsembleMethod; weights: number[]; members: NotebookModel[]; calibration: CalibrationState | null };
  neighbours: Neighbour[];
  /** candidates (by number) that started from another's trained weights (weight inheritance): their parent's number */
  inheritedFrom: Record<number, number>;
}
