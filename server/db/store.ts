/**
 * The store: the database is the only truth. Every other part reads and writes through this interface;
 * only server/db imports Prisma. Implemented by PrismaStore (SQLite or PostgreSQL, by DATABASE_URL).
 * Dates cross this boundary as Date objects; Json columns as plain values.
 */
import type { ColumnProfile, ColumnType, Metric, ProblemType } from "../contracts/dataset";

export type RunStatus = "queued" | "running" | "cancelling" | "cancelled" | "completed" | "failed";
/** paused: waiting at a scheduler's rung for its decision; pruned: stopped by the scheduler, keeping its last score */
export type TrialStatus = "queued" | "running" | "paused" | "done" | "stopped" | "pruned" | "failed" | "cancelled";

export interface DatasetRow {
  id: string;
  name: string;
  sizeBytes: number;
  rowCount: number;
  columnCount: number;
  sha256: string;
  columns: ColumnProfile[];
  createdAt: Date;
}

export interface RunRow {
  id: string;
  datasetId: string;
  label: string;
  problemType: ProblemType;
  metric: Metric;
  strategy: string;
  scheduler: string;
  seed: number;
  maxTrials: number | null;
  budgetSeconds: number | null;
  status: RunStatus;
  error: string | null;
  backend: string | null;
  spaceVersion: string;
  searchState: unknown;
  bestTrialId: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  elapsedSeconds: number;
  /** the column types the user overrode (column name → type); null: every column as inferred */
  columnTypes: Record<string, ColumnType> | null;
  /** what the user asked for; the run resolves it when it starts (validationPlan) */
  validation: ValidationMode;
  /** what a cross-validated candidate deploys: its fold models averaged (bag) or one model refit on all non-test rows */
  finalModel: FinalModel;
  /** rows sharing this column's value never straddle splits or folds */
  groupColumn: string | null;
  /** the split follows this column's order: the latest rows are the test split */
  timeColumn: string | null;
  /** how candidates are validated, fixed when the run's data is prepared; null before */
  validationPlan: ValidationPlanRecord | null;
  /** the model families searched (server/models/registry.ts): one, or several with the family a choice of the space */
  families: string[];
  /** how a candidate is scored: "full", or "curve" (stopped when its extrapolated learning curve cannot win) */
  estimation: string;
  /** the share of labelled rows held out as the test split (0: none; candidates then have no test score) */
  testFraction: number;
  /** serving constraints (null: no limit): a candidate over one is infeasible, never the run's best */
  maxArchiveBytes: number | null;
  maxPredictMsPer1k: number | null;
  maxTrainSeconds: number | null;
}

export type ValidationMode = "auto" | "holdout" | "cv";
export type FinalModel = "bag" | "refit";
export interface ValidationPlanRecord {
  kind: "holdout" | "cv";
  /** folds of cross-validation; absent for holdout */
  folds?: number;
  /** the rule that chose it, in words */
  reason: string;
}

export interface TrialRow {
  id: string;
  runId: string;
  number: number;
  family: string;
  params: Record<string, string | number | boolean>;
  spaceVersion: string;
  status: TrialStatus;
  reason: string | null;
  valScore: number | null;
  testScore: number | null;
  valMetrics: Record<string, number> | null;
  testMetrics: Record<string, number> | null;
  /** bootstrap standard errors of the scores: how far they could move by chance */
  valScoreSe: number | null;
  testScoreSe: number | null;
  epochs: number | null;
  bestEpoch: number | null;
  paramCount: number | null;
  archiveBytes: number | null;
  trainSeconds: number | null;
  predictMsPer1k: number | null;
  attempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
  /** a scheduler's columns (null without one): the bracket it started in, the rung it is at, its score after each rung */
  bracket: number | null;
  rung: number | null;
  rungScores: number[] | null;
  /** lower-fidelity estimation: the score on fewer rows, epochs and units (null when not estimated so) */
  lowFidelityScore: number | null;
  /** weight inheritance: the number of the earlier trial whose trained weights this one started from */
  parentNumber: number | null;
  /** why the trial breaks its run's constraints (null: feasible, or not known yet) */
  infeasibleReason: string | null;
}

export interface CurvePointRow {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  trainMetric: number | null;
  valMetric: number | null;
  seconds: number;
}

/** a candidate deployed for real-time predictions (at most one per trial) */
export interface DeploymentRow {
  id: string;
  trialId: string;
  runId: string;
  createdAt: Date;
}

export type NewRun = Pick<RunRow, "id" | "datasetId" | "label" | "problemType" | "metric" | "strategy" | "scheduler" | "seed" | "maxTrials" | "budgetSeconds" | "spaceVersion"> &
  Partial<Pick<RunRow, "columnTypes" | "validation" | "finalModel" | "groupColumn" | "timeColumn" | "validationPlan" | "families" | "estimation" | "testFraction" | "maxArchiveBytes" | "maxPredictMsPer1k" | "maxTrainSeconds">>;
export type NewTrial = Pick<TrialRow, "id" | "runId" | "number" | "family" | "params" | "spaceVersion"> & Partial<Pick<TrialRow, "bracket" | "rung">>;
export type TrialResult = Partial<Pick<TrialRow, "status" | "reason" | "valScore" | "testScore" | "valMetrics" | "testMetrics" | "valScoreSe" | "testScoreSe" | "epochs" | "bestEpoch" | "paramCount" | "archiveBytes" | "trainSeconds" | "predictMsPer1k" | "attempts" | "startedAt" | "finishedAt" | "rung" | "rungScores" | "lowFidelityScore" | "parentNumber" | "infeasibleReason">>;

export interface Store {
  // datasets
  createDataset(row: Omit<DatasetRow, "createdAt">): Promise<DatasetRow>;
  getDataset(id: string): Promise<DatasetRow | null>;
  listDatasets(): Promise<DatasetRow[]>;
  /** deletes the dataset and, by cascade, its runs, trials, curves and jobs */
  deleteDataset(id: string): Promise<void>;

  // runs
  createRun(run: NewRun): Promise<RunRow>;
  getRun(id: string): Promise<RunRow | null>;
  listRuns(filter?: { datasetId?: string; statuses?: RunStatus[] }): Promise<RunRow[]>;
  updateRun(id: string, patch: Partial<Omit<RunRow, "id" | "datasetId" | "createdAt">>): Promise<RunRow>;
  /** conditional update: applies only when the run's status is one of `from`; true when applied */
  transitionRun(id: string, from: RunStatus[], patch: Partial<Omit<RunRow, "id" | "datasetId" | "createdAt">>): Promise<boolean>;
  deleteRun(id: string): Promise<void>;

  // trials
  createTrial(trial: NewTrial): Promise<TrialRow>;
  getTrial(id: string): Promise<TrialRow | null>;
  /** ordered by number */
  listTrials(runId: string): Promise<TrialRow[]>;
  /** trials changed since an instant (live updates send only what changed) */
  listTrialsUpdatedSince(runId: string, since: Date): Promise<TrialRow[]>;
  updateTrial(id: string, patch: TrialResult): Promise<TrialRow>;
  /** conditional update, as transitionRun */
  transitionTrial(id: string, from: TrialStatus[], patch: TrialResult): Promise<boolean>;
  /** removes a trial and its learning curve (a continued run's ensembles, which its new end rebuilds) */
  deleteTrial(id: string): Promise<void>;

  // learning curves
  /** adds points to a trial's curve in one write; a point of an epoch already there replaces it */
  addCurvePoints(trialId: string, points: CurvePointRow[]): Promise<void>;
  listCurve(trialId: string): Promise<CurvePointRow[]>;
  /** removes a trial's points (a retried trial starts its curve again) */
  clearCurve(trialId: string): Promise<void>;

  // deployments (real-time predictions); deleting the trial or its run deletes its deployment
  /** deploys a trial; when it is already deployed (one deployment per trial), returns that deployment instead */
  createDeployment(row: Omit<DeploymentRow, "createdAt">): Promise<DeploymentRow>;
  getDeployment(id: string): Promise<DeploymentRow | null>;
  getDeploymentOfTrial(trialId: string): Promise<DeploymentRow | null>;
  /** the oldest first; every run's when no run is given */
  listDeployments(filter?: { runId?: string }): Promise<DeploymentRow[]>;
  /** true when it existed */
  deleteDeployment(id: string): Promise<boolean>;

  // a finished run's search insight, kept once computed; deleting the run deletes it
  /** the kept insight and the finish it describes (its key), or null */
  getRunInsight(runId: string): Promise<{ key: string; insight: unknown } | null>;
  /** keeps the insight of the finish named by key, replacing any kept before */
  saveRunInsight(runId: string, key: string, insight: unknown): Promise<void>;

  close(): Promise<void>;

  /** inserts finished trials with their learning curves in bulk, in batches (seeding a benchmark or a test: 10,000 trials, a million points) */
  importTrials(trials: (NewTrial & TrialResult & { curve?: CurvePointRow[] })[]): Promise<void>;
  /** every trial of a run, only its LEAN_TRIAL_COLUMNS, by number */
  listTrialsLean(runId: string): Promise<LeanTrialRow[]>;
  /** the trials with these ids (a leaderboard page), in no particular order */
  listTrialsByIds(ids: string[]): Promise<TrialRow[]>;
}

/**
 * What the leaderboard sorts and filters a trial by and what the run's summary reads of it: reading only these
 * columns of 10,000 trials takes a third of the time reading all but the JSON ones does.
 */
export const LEAN_TRIAL_COLUMNS = [
  "id",
  "number",
  "family",
  "status",
  "valScore",
  "testScore",
  "valScoreSe",
  "testScoreSe",
  "lowFidelityScore",
  "trainSeconds",
  "startedAt",
  "archiveBytes",
  "predictMsPer1k",
  "paramCount",
  "infeasibleReason",
] as const satisfies readonly (keyof TrialRow)[];
export type LeanTrialRow = Pick<TrialRow, (typeof LEAN_TRIAL_COLUMNS)[number]>;
