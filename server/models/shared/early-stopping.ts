import type { Metric } from "../../contracts/dataset";
import { greaterIsBetter } from "../../automl/estimation/metrics";
import type { Task } from "../family";
import type { ValidationScores } from "./epoch-scoring";

/**
 * Below this many validation rows, early stopping (boosted trees and both network families) watches the validation
 * log loss instead of a classification metric that moves in steps (AUC, accuracy, F1, ...). On few rows such a
 * metric's best round is mostly chance, and the chance is in its favour: the fold's score is the best of many noisy
 * rounds. On credit-g's 160-row folds, boosting stopped at round 1 on AUC in some folds and at round 200 in others,
 * and the pooled out-of-fold AUC of models stopped at such different rounds suffers. The smooth loss (H2O's and
 * LightGBM's default stopping criterion, and Keras's) lifted boosting's mean test AUC of 30 random candidates from
 * 0.771 to 0.774 and 0.745 to 0.751 (credit-g, two seeds) and 0.9884 to 0.9889 (spambase), where on telco-churn's
 * 1,127-row holdout the metric did better (0.8698 against 0.8689). Networks stopped on AUC showed the same chance
 * picks (credit-g, seed 1: a network's folds stopped at epochs 12, 2, 1, 2 and 4, and it ranked second on
 * validation and last on test). 1,000 is what the automatic validation plan's row rule puts in a fold at most
 * (server/data/validation-plan.ts: 5 folds below 5,000 rows) and in a holdout split at least.
 */
export const SMALL_VALIDATION_ROWS = 1000;

/** The metric early stopping watches (null: the validation loss), by the rule of SMALL_VALIDATION_ROWS. */
export function stoppingMetric(task: Task, metric: Metric | null, validationRows: number): Metric | null {
  const stepwise = task.type !== "regression" && metric !== "logloss";
  return stepwise && validationRows < SMALL_VALIDATION_ROWS ? null : metric;
}

/** what early stopping watches, decided at the first round; null before it */
export type Watched = "metric" | "validation loss" | "training loss" | null;

/** Early stopping's whole state, for a training checkpoint: the rounds since improvement are the round less bestRound. */
export interface EarlyStoppingState {
  bestRound: number;
  /** the best value so far; NaN while none */
  bestValue: number;
  watch: Watched;
}

/**
 * Early stopping on the rounds, with the networks' rules (layers/training-loop.ts): it watches the run's metric on
 * the validation rows where that is defined and given (decided at round 1), else the validation loss, else (no
 * validation rows) the training loss. Patience counts rounds, whether or not the metric was scored in each (see gbdt's RoundScorer).
 */
export class EarlyStopping {
  /** the best round so far; 0 while none has a value (every one NaN) */
  bestRound = 0;
  private bestValue = NaN;
  private watch: Watched = null;

  constructor(
    private readonly patience: number,
    private readonly metric: Metric | null,
  ) {}

  update(round: number, val: ValidationScores, trainLoss: number): void {
    this.watch ??= this.metric !== null && val.metric !== null && Number.isFinite(val.metric) ? "metric" : Number.isNaN(val.loss) ? "training loss" : "validation loss";
    const value = this.watch === "metric" ? val.metric : this.watch === "validation loss" ? val.loss : trainLoss;
    if (value === null) return; // the metric was not scored this round
    const higher = this.watch === "metric" && greaterIsBetter(this.metric!);
    // NaN never improves, and anything beats a NaN best
    if (!Number.isNaN(value) && (Number.isNaN(this.bestValue) || (higher ? value > this.bestValue : value < this.bestValue))) {
      this.bestValue = value;
      this.bestRound = round;
    }
  }

  state(): EarlyStoppingState {
    return { bestRound: this.bestRound, bestValue: this.bestValue, watch: this.watch };
  }

  /** continues from a state() */
  restore(s: EarlyStoppingState): void {
    this.bestRound = s.bestRound;
    this.bestValue = s.bestValue;
    this.watch = s.watch;
  }

  /** whether patience has run out after `round` */
  spent(round: number): boolean {
    return round - this.bestRound >= this.patience;
  }
}
