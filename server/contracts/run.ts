import { z } from "zod";
import { ColumnType, Metric, ProblemType } from "./dataset";

/** Runs and their candidates (trials), as the API sends them. Shared by the server and the UI. */
export const RunStatus = z.enum(["queued", "running", "cancelling", "cancelled", "completed", "failed"]);
export type RunStatus = z.infer<typeof RunStatus>;
/** paused: waiting at a scheduler's rung for its decision; pruned: stopped early by the scheduler, keeping its last score */
export const TrialStatus = z.enum(["queued", "running", "paused", "done", "stopped", "pruned", "failed", "cancelled"]);
export type TrialStatus = z.infer<typeof TrialStatus>;

/** whether a run can still change on its own */
export const ACTIVE_RUN_STATUSES: readonly RunStatus[] = ["queued", "running", "cancelling"];
export const isRunActive = (status: RunStatus) => ACTIVE_RUN_STATUSES.includes(status);
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ["completed", "cancelled", "failed"];

/** "min" for losses and errors (logloss, rmse, mae), "max" for everything else */
export type Direction = "min" | "max";
const LOWER_IS_BETTER: readonly Metric[] = ["logloss", "rmse", "mae"];
export const metricDirection = (metric: Metric): Direction => (LOWER_IS_BETTER.includes(metric) ? "min" : "max");

const positiveMinutes = z.number({ error: "The time budget must be a number of minutes." }).positive("The time budget must be more than 0 minutes.").max(7 * 24 * 60, "The time budget can be at most a week.");
const positiveTrials = z.number({ error: "The trial count must be a whole number." }).int("The trial count must be a whole number.").min(1, "Ask for at least 1 trial.").max(100_000, "At most 100000 trials.");

/** the search strategies a run can use (server/automl/strategies; a test keeps the two lists equal) */
export const STRATEGY_NAMES = ["random", "grid", "coarse_to_fine", "tpe", "gp", "evolution", "rl"] as const;
/**
 * what a run tries next unless told: TPE (Optuna's default too) handles the conditional space of several families and
 * learns which family pays, where random search would keep giving a slow family its even share of the budget
 */
export const DEFAULT_STRATEGY = "tpe" satisfies (typeof STRATEGY_NAMES)[number];
export const StrategyName = z.enum(STRATEGY_NAMES);
export type StrategyName = z.infer<typeof StrategyName>;

/** the schedulers a run can use (server/automl/schedulers; a test keeps the two lists equal): how much each trial trains */
export const SCHEDULER_NAMES = ["none", "asha", "hyperband"] as const;
export const SchedulerName = z.enum(SCHEDULER_NAMES);
export type SchedulerName = z.infer<typeof SchedulerName>;

/** the model families a run can search (server/models/registry.ts; a test keeps the two lists equal) */
export const FAMILY_NAMES = ["mlp", "nas", "gbdt", "linear", "forest"] as const;
export const FamilyName = z.enum(FAMILY_NAMES);
export type FamilyName = z.infer<typeof FamilyName>;
/**
 * what a run searches when it names no family: boosted trees, linear models, forests and the MLP, as AutoGluon and
 * H2O search several families by default (on tabular data no one family wins everywhere). Architecture search is
 * left to those who ask for it: it needs more budget than a default run has.
 */
/** the family of an ensemble's leaderboard row: not searched, a combination of candidates the search finished */
export const ENSEMBLE_FAMILY = "ensemble";
export const DEFAULT_FAMILIES: readonly FamilyName[] = ["mlp", "gbdt", "linear", "forest"];

/**
 * how a candidate is scored (server/automl/estimation): full training with early stopping on validation; the same
 * with a trial stopped as soon as the extrapolation of its learning curve says it is unlikely to beat the best so far
 * (curve); a cheap screening on fewer rows, epochs and units, only the best trained in full (low); or training
 * started from the closest finished candidate's weights (inherit)
 */
export const ESTIMATION_NAMES = ["full", "curve", "low", "inherit"] as const;
export const EstimationName = z.enum(ESTIMATION_NAMES);
export type EstimationName = z.infer<typeof EstimationName>;

/** how candidates are validated: auto picks cross-validation for small data, holdout otherwise (see validation-plan.ts) */
export const ValidationMode = z.enum(["auto", "holdout", "cv"]);
export type ValidationMode = z.infer<typeof ValidationMode>;

/**
 * what a cross-validated candidate deploys: its fold models, their predictions averaged (bag, as AutoGluon does: the
 * models that earned the out-of-fold score), or one model refit on all non-test rows (refit: k times smaller and
 * faster to predict). A holdout candidate is always refit.
 */
export const FinalModel = z.enum(["bag", "refit"]);
export type FinalModel = z.infer<typeof FinalModel>;

export const ValidationPlanDto = z.object({ kind: z.enum(["holdout", "cv"]), folds: z.number().int().optional(), reason: z.string() });
export type ValidationPlanDto = z.infer<typeof ValidationPlanDto>;

/**
 * serving constraints, set before a run starts: a candidate that breaks one is infeasible (kept and shown, with the
 * reason, never the run's best); the search steers away from such candidates
 */
export const RunConstraints = z
  .object({
    maxArchiveBytes: z.number({ error: "The archive size limit must be a number of bytes." }).positive("The archive size limit must be more than 0."),
    maxPredictMsPer1k: z.number({ error: "The latency limit must be a number of milliseconds per 1,000 rows." }).positive("The latency limit must be more than 0 ms."),
    maxTrainSeconds: z.number({ error: "The training time limit must be a number of seconds." }).positive("The training time limit must be more than 0 seconds."),
  })
  .partial()
  .strict();
export type RunConstraints = z.infer<typeof RunConstraints>;
/** a run's constraints as the API sends them: every key present, null where no limit was set */
export const RunConstraintsDto = z.object({ maxArchiveBytes: z.number().nullable(), maxPredictMsPer1k: z.number().nullable(), maxTrainSeconds: z.number().nullable() });
export type RunConstraintsDto = z.infer<typeof RunConstraintsDto>;

const optionalColumn = z
  .string()
  .trim()
  .transform((v) => v || undefined)
  .optional();

export const CreateRunInput = z
  .object({
    datasetId: z.string().min(1, "Choose a dataset."),
    label: z.string().min(1, "Choose the label column (the value to predict)."),
    problemType: ProblemType.optional(),
    metric: Metric.optional(),
    budgetMinutes: positiveMinutes.optional(),
    maxTrials: positiveTrials.optional(),
    seed: z.number().int("The seed must be a whole number.").min(0).max(2 ** 31 - 1).optional(),
    /** the column types the user changed (column name → type); the others stay as inferred */
    columnTypes: z.record(z.string(), ColumnType).optional(),
    validation: ValidationMode.optional(),
    /** what a cross-validated candidate deploys (bag unless chosen) */
    finalModel: FinalModel.optional(),
    /** what to try next: DEFAULT_STRATEGY unless chosen */
    strategy: StrategyName.optional(),
    /** how much each trial trains: every trial in full unless chosen (Hyperband and ASHA stop the weak ones early) */
    scheduler: SchedulerName.optional(),
    /**
     * the model families searched (DEFAULT_FAMILIES unless chosen, less those that cannot run the chosen scheduler or
     * estimation): with several, the family is the search space's first choice and
     * each family's hyperparameters are conditional on it, so the strategy spreads the budget across them
     */
    families: z.array(FamilyName).min(1, "Choose at least one model family.").optional(),
    /** how each candidate is scored (full unless chosen) */
    estimation: EstimationName.optional(),
    /**
     * the share of labelled rows held out as a test split the search never sees (0.2 unless chosen); 0 holds none out,
     * for a user who keeps a test set of their own: every row then serves the search and the final models
     */
    testFraction: z.number().min(0, "The test share must be between 0 and 0.5.").max(0.5, "The test share must be between 0 and 0.5.").optional(),
    /** rows with the same value (a customer, a patient) stay together in one split and one fold */
    groupColumn: optionalColumn,
    /** the split follows this column's order: train on the past, test on the latest rows */
    timeColumn: optionalColumn,
    /** serving constraints (none unless chosen): candidates that break one are infeasible */
    constraints: RunConstraints.optional(),
  })
  // an unknown key is a mistake (a misspelt option, or the old "family"), not something to ignore silently
  .strict()
  .refine((v) => v.budgetMinutes !== undefined || v.maxTrials !== undefined, {
    message: "Set a time budget (minutes), a maximum number of trials, or both.",
    path: ["budgetMinutes"],
  })
  .refine((v) => !(v.groupColumn && v.timeColumn), {
    message: "Choose a group column or a time column, not both.",
    path: ["timeColumn"],
  })
  .refine((v) => !(v.timeColumn && v.validation === "cv"), {
    message: "A time-ordered split can't be cross-validated (folds would train on the future): choose holdout or auto.",
    path: ["validation"],
  });
export type CreateRunInput = z.input<typeof CreateRunInput>;

export const ContinueRunInput = z
  .object({ extraTrials: positiveTrials.optional(), extraMinutes: positiveMinutes.optional() })
  .refine((v) => v.extraTrials !== undefined || v.extraMinutes !== undefined, {
    message: "Give extra trials, extra minutes, or both.",
    path: ["extraTrials"],
  });
export type ContinueRunInput = z.input<typeof ContinueRunInput>;

export const TrialDto = z.object({
  id: z.string(),
  runId: z.string(),
  number: z.number().int(),
  family: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  status: TrialStatus,
  reason: z.string().nullable(),
  valScore: z.number().nullable(),
  testScore: z.number().nullable(),
  valMetrics: z.record(z.string(), z.number()).nullable(),
  testMetrics: z.record(z.string(), z.number()).nullable(),
  /** bootstrap standard errors of the two scores */
  valScoreSe: z.number().nullable(),
  testScoreSe: z.number().nullable(),
  epochs: z.number().nullable(),
  bestEpoch: z.number().nullable(),
  paramCount: z.number().nullable(),
  archiveBytes: z.number().nullable(),
  /** training seconds when finished, seconds so far while running */
  durationSeconds: z.number().nullable(),
  predictMsPer1k: z.number().nullable(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** a scheduler's columns (null without one): the bracket it started in, the rung it is at, its score after each rung */
  bracket: z.number().int().nullable(),
  rung: z.number().int().nullable(),
  rungScores: z.array(z.number()).nullable(),
  /** lower-fidelity estimation: the score on fewer rows, epochs and units (null when not estimated so) */
  lowFidelityScore: z.number().nullable(),
  /** weight inheritance: the number of the candidate whose trained weights this one started from */
  parentNumber: z.number().int().nullable(),
  /** why the candidate breaks the run's constraints, e.g. "archive 2.1 MB is over the 1 MB limit"; null: feasible or not yet known */
  infeasibleReason: z.string().nullable(),
});
export type TrialDto = z.infer<typeof TrialDto>;

export const RunDto = z.object({
  id: z.string(),
  datasetId: z.string(),
  datasetName: z.string().nullable(),
  label: z.string(),
  problemType: ProblemType,
  metric: Metric,
  direction: z.enum(["min", "max"]),
  strategy: z.string(),
  scheduler: z.string(),
  families: z.array(z.string()),
  estimation: z.string(),
  testFraction: z.number(),
  seed: z.number().int(),
  maxTrials: z.number().nullable(),
  budgetSeconds: z.number().nullable(),
  status: RunStatus,
  error: z.string().nullable(),
  backend: z.string().nullable(),
  bestTrialId: z.string().nullable(),
  bestValScore: z.number().nullable(),
  bestTestScore: z.number().nullable(),
  trialCount: z.number().int(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** seconds spent searching, including the current segment while running */
  elapsedSeconds: z.number(),
  /** a rough estimate while the run is active; null when unknown or finished */
  estimatedSecondsLeft: z.number().nullable(),
  /** the column types the user overrode for this run (column name → type); null: all as inferred */
  columnTypes: z.record(z.string(), ColumnType).nullable(),
  validation: ValidationMode,
  finalModel: FinalModel,
  groupColumn: z.string().nullable(),
  timeColumn: z.string().nullable(),
  /** how candidates are validated, fixed when the run starts; null before */
  validationPlan: ValidationPlanDto.nullable(),
  /** set when the best candidate's validation score beats its test score by more than chance explains */
  overfitWarning: z.string().nullable(),
  /** lower-fidelity estimation: whether rankings survive it, over the candidates trained both ways; null otherwise */
  fidelityCheck: z.object({ spearman: z.number().nullable(), pairs: z.number().int(), warning: z.string().nullable() }).nullable(),
  /** the serving constraints the run was given (null: no limit) */
  constraints: RunConstraintsDto,
});
export type RunDto = z.infer<typeof RunDto>;

/** GET /api/runs/:id — the run and its leaderboard (best validation score first) */
export const RunDetailDto = z.object({ run: RunDto, trials: z.array(TrialDto) });
export type RunDetailDto = z.infer<typeof RunDetailDto>;

/** GET /api/runs — every run (newest first), optionally of one dataset */
export const RunListDto = z.object({ runs: z.array(RunDto) });
export type RunListDto = z.infer<typeof RunListDto>;

/** one server-sent event of GET /api/runs/:id/events: the run, and the trials changed since the last event */
export const RunEventDto = z.object({ run: RunDto, trials: z.array(TrialDto) });
export type RunEventDto = z.infer<typeof RunEventDto>;

export const CurvePointDto = z.object({
  epoch: z.number().int(),
  trainLoss: z.number(),
  valLoss: z.number(),
  trainMetric: z.number().nullable(),
  valMetric: z.number().nullable(),
  seconds: z.number(),
});
export type CurvePointDto = z.infer<typeof CurvePointDto>;

/** the extrapolated validation metric per epoch (learning-curve estimation): mean and a 95% band */
export const CurveForecastPointDto = z.object({ epoch: z.number().int(), mean: z.number(), lower: z.number(), upper: z.number() });
export type CurveForecastPointDto = z.infer<typeof CurveForecastPointDto>;

export const TrialCurveDto = z.object({
  trialId: z.string(),
  status: TrialStatus,
  points: z.array(CurvePointDto),
  /** in a run with learning-curve estimation, where the curve was predicted to go from the epochs so far; null otherwise */
  forecast: z.array(CurveForecastPointDto).nullable(),
});
export type TrialCurveDto = z.infer<typeof TrialCurveDto>;

const FINISHED_WITH_SCORE: readonly TrialStatus[] = ["done", "stopped"];

/** whether a trial has a usable validation score (and an archive) */
export const hasScore = (t: Pick<TrialDto, "status" | "valScore">) =>
  FINISHED_WITH_SCORE.includes(t.status) && t.valScore !== null && Number.isFinite(t.valScore);

/** whether a candidate meets its run's constraints (as far as is known: a running one has no verdict yet) */
export const isFeasible = (t: Pick<TrialDto, "infeasibleReason">) => t.infeasibleReason === null;

/**
 * Leaderboard order: scored candidates by validation score (best first, ties: the earlier trial), then running,
 * paused and queued ones, then pruned ones by their last score (a lower fidelity: not comparable with the first group),
 * then the rest; each group by trial number.
 */
/** what the leaderboard order reads of a candidate (the server sorts lean rows by it too) */
type Ranked = Pick<TrialDto, "status" | "valScore" | "number">;
export function compareTrials(direction: Direction) {
  const ORDER: Partial<Record<TrialStatus, number>> = { running: 1, paused: 1, queued: 2, pruned: 3 };
  const group = (t: Ranked) => (hasScore(t) ? 0 : t.status === "pruned" && t.valScore === null ? 4 : (ORDER[t.status] ?? 4));
  return (a: Ranked, b: Ranked): number => {
    const ga = group(a);
    const gb = group(b);
    if (ga !== gb) return ga - gb;
    if (ga === 0 || ga === 3) {
      const d = direction === "max" ? (b.valScore as number) - (a.valScore as number) : (a.valScore as number) - (b.valScore as number);
      if (d !== 0) return d;
    }
    return a.number - b.number;
  };
}

/** Merges changed trials into a leaderboard and re-sorts it (used by the live updates). */
export function mergeTrials(current: TrialDto[], changed: TrialDto[], direction: Direction): TrialDto[] {
  if (changed.length === 0) return current;
  const byId = new Map(current.map((t) => [t.id, t]));
  for (const t of changed) byId.set(t.id, t);
  return [...byId.values()].sort(compareTrials(direction));
}

/** A finished candidate's feature selection: which model inputs it kept, with each method's score and reason. */
export const TrialFeaturesDto = z.object({
  trialId: z.string(),
  method: z.string(),
  scoreLabel: z.string(),
  kept: z.number().int(),
  of: z.number().int(),
  features: z.array(z.object({ name: z.string(), score: z.number().nullable(), kept: z.boolean(), reason: z.string().nullable() })),
  notes: z.array(z.string()),
});
export type TrialFeaturesDto = z.infer<typeof TrialFeaturesDto>;
