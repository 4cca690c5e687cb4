import type { ProblemType } from "../contracts/dataset";
import type { Params, Suggest } from "../automl/space/suggest";

/** The matrices a family trains on: already preprocessed, row-major, float32. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float32Array;
}

export interface Task {
  type: ProblemType;
  /** class labels, in code order (classification); y holds the code */
  classes: string[];
}

export interface FitInput {
  task: Task;
  xTrain: Matrix;
  /** class codes (classification) or targets (regression), one per row */
  yTrain: Float32Array;
  xVal: Matrix;
  yVal: Float32Array;
  /** one weight >= 0 per training row (e.g. class weights); absent = all 1. Training loss only: validation is unweighted */
  sampleWeight?: Float32Array;
  /**
   * per matrix column: its number of categories n where the column holds ordinal category codes 0..n-1 (any other value,
   * such as -1 for "no category" or NaN, is missing), null for the other columns; absent: none is categorical. Families
   * that split natively on categories use it (gbdt); the others ignore it. See data/categorical-columns.ts.
   */
  categorical?: (number | null)[];
}

export interface EpochReport {
  epoch: number;
  trainLoss: number;
  valLoss: number;
  trainMetric: number | null;
  valMetric: number | null;
  seconds: number;
}

export interface FitContext {
  seed: number;
  /** the run's metric, used for trainMetric/valMetric in reports */
  metric: import("../contracts/dataset").Metric;
  /** called after every epoch; returning "stop" ends training (a scheduler's or a cancel's decision) */
  onEpoch(report: EpochReport): Promise<"continue" | "stop">;
  /** wall-clock instant (ms since epoch) at which training must end, keeping the best weights so far */
  deadline: number;
  /**
   * when set, train exactly this many epochs with no early stopping and keep the final weights (a refit with the
   * epoch count found on validation); xVal may then have 0 rows, and reports carry valLoss NaN and valMetric null.
   * onEpoch "stop" and the deadline still end training early. FitResult.bestEpoch is then the epochs trained.
   */
  epochs?: number;
  /**
   * a scheduler's rung: stop after this many epochs in total (counting the epochs of a resumed checkpoint) and return
   * reason "paused" with a checkpoint; the returned model holds the best weights so far, for scoring
   */
  pauseAt?: number;
  /** continue from FitResult.checkpoint of an earlier fit of the same family, params, data and seed, as if training had never paused */
  resume?: Uint8Array;
  /**
   * weight inheritance: a trained model of the same family (the parent) whose weights this fit starts from wherever
   * its layers match; only for families with `inheritsWeights`. A resumed fit ignores it (its checkpoint says).
   */
  inheritFrom?: FittedModel;
}

export interface FitResult {
  model: FittedModel;
  epochs: number;
  bestEpoch: number;
  /** why training ended: "early stopping", "max epochs", "deadline", "stopped" */
  reason: string;
  /** set whenever ctx.pauseAt was: the whole training state, to continue from (see FitContext.resume) */
  checkpoint?: Uint8Array;
  /** with ctx.inheritFrom: the layers that started from the parent's weights, and how many layers the model has */
  inherited?: { layers: string[]; of: number };
  /**
   * the model as it stood after `epoch` epochs, for any epoch from 1 to `epochs` (past the best one too: early
   * stopping trained them); absent where the family keeps only its best weights (networks). Cross-validation uses it
   * to stop every fold at one common round (automl/estimation/common-round.ts)
   */
  atEpoch?(epoch: number): FittedModel;
}

export interface FittedModel {
  /** classification: row-major probabilities rows x classes; regression: one value per row */
  predict(x: Matrix): Float32Array;
  paramCount(): number;
  /** writes the family-specific payload into a directory (created) */
  save(dir: string): Promise<void>;
  dispose(): void;
  /**
   * optional: a predictor for copies of `base` with a few columns changed, computed from only the parts of the model
   * that read those columns, with the same results as predict (tree ensembles; permutation importance uses it)
   */
  partialPredictor?(base: Matrix): PartialPredictor;
}

export interface PartialPredictor {
  /** predict on x: one or more copies of the base rows, stacked, that differ from them only in `cols` */
  predict(x: Matrix, cols: readonly number[]): Float32Array;
}

/** A model family: owns its search space, training and persistence. It never knows how it was chosen. */
export interface ModelFamily {
  name: string;
  /** bump when the space changes, so stored trials say which space they came from */
  spaceVersion: string;
  /** asks the hyperparameters it needs (define-by-run) */
  defineSpace(suggest: Suggest, task: Task): Params;
  /** a known-good configuration, tried before the strategy's proposals (as AutoGluon and H2O start from defaults) */
  defaultParams(task: Task): Params;
  /**
   * more known-good configurations, tried in a search's opening after every family's default (as AutoGluon's preset
   * portfolio): starts different enough from the default that one of them is often the better one
   */
  portfolioParams?(task: Task): Params[];
  /**
   * when the family's default and portfolio come in a search's opening: families of a higher priority first (absent:
   * 0), so under a short budget on large data the families that are usually strongest for their seconds have finished
   * before the slower ones start (AutoGluon trains in priority order too, its neural networks last)
   */
  openingPriority?: number;
  /**
   * whether the family learns by gradient steps on its inputs' values (linear models, networks), so that features on
   * scales thousands apart leave it ill-conditioned: its candidates choose among the scalings and never "none", as no
   * practitioner fits them unscaled (trees, which split on a feature's order, keep every choice)
   */
  needsScaledInputs?: boolean;
  fit(input: FitInput, params: Params, ctx: FitContext): Promise<FitResult>;
  load(dir: string, task: Task): Promise<FittedModel>;
  /** whether fit honours FitContext.pauseAt/resume, which a scheduler's rungs need */
  pausable?: boolean;
  /** the most epochs (boosting rounds) a fit of `params` trains: what learning-curve estimation extrapolates to; absent: not supported */
  epochCap?(params: Params): number;
  /** lower-fidelity estimation: the same candidate with fewer units, epochs and patience; absent: not supported */
  lowerFidelity?(params: Params, scale: { width: number; epochs: number }): Params;
  /** weight inheritance: whether fit starts from FitContext.inheritFrom */
  inheritsWeights?: boolean;
}
