import type { Metric } from "../../contracts/dataset";
import { greaterIsBetter } from "../../automl/estimation/metrics";
import type { ValidationScores } from "./epoch-scoring";

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
