/**
 * The scheduler contract: HOW MUCH budget a trial gets and when it stops (Ray Tune's trial scheduler, Optuna's
 * pruner), separate from the strategy that decides WHAT to try. The resource is training epochs. A scheduler is a
 * pure function of the stored trials: the coordinator asks it what to do at every tick, so its state is the trials'
 * columns (bracket, rung, the score at each rung) and a restarted studio carries on exactly where it stopped.
 */
import type { Direction } from "../space/trial-record";

export type ScheduledStatus = "queued" | "running" | "paused" | "done" | "pruned" | "stopped" | "failed" | "cancelled";

export interface ScheduledTrial {
  number: number;
  /** the bracket it was started in, and the rung it is at (null: not scheduled) */
  bracket: number | null;
  rung: number | null;
  status: ScheduledStatus;
  /** its validation score at the end of each rung it completed */
  rungScores: readonly number[];
}

export type Decision =
  /** propose a new trial and train it for `epochs` (rung 0 of `bracket`) */
  | { kind: "start"; bracket: number; epochs: number; final: boolean }
  /** continue a paused trial from its checkpoint to `epochs` in total, at `rung` */
  | { kind: "promote"; number: number; rung: number; epochs: number; final: boolean }
  /** stop a paused trial for good: it keeps its last score */
  | { kind: "prune"; number: number; reason: string };

export interface SchedulerView {
  trials: readonly ScheduledTrial[];
  /** the run's trial budget (configurations tried), or null for none */
  maxTrials: number | null;
  /** workers without a queued or running trial: at most this many starts and promotions */
  freeSlots: number;
  direction: Direction;
}

export interface Scheduler {
  readonly name: string;
  /**
   * what to do now: prunes first, then at most `freeSlots` promotions and starts. Deterministic in the view.
   * `final` marks the last rung, trained and estimated in full (all validation folds and the refit).
   */
  decide(view: SchedulerView): Decision[];
  /**
   * the study's batching for new trials: the first trial number of `number`'s batch, or "asynchronous" when
   * proposals must not wait for earlier trials (ASHA)
   */
  batchStart(number: number): number | "asynchronous";
  /** what a trial at `rung` of `bracket` trains: epochs in total, and whether it is the last rung */
  budget(bracket: number, rung: number): { epochs: number; final: boolean };
  /** one line for the run page, e.g. "Hyperband: eta 3, rungs of 3, 9, 27, 81 epochs" */
  describe(): string;
}

/** the better of two scores under a direction, with the earlier trial first on ties: for sorting */
export function byScore(direction: Direction, score: (t: ScheduledTrial) => number) {
  const sign = direction === "maximize" ? -1 : 1;
  return (a: ScheduledTrial, b: ScheduledTrial) => sign * (score(a) - score(b)) || a.number - b.number;
}
