/**
 * The strategy contract: WHAT to try next (Optuna's sampler, Ray Tune's searcher, Keras Tuner's oracle).
 * A strategy sees only distributions, values and outcomes; it never knows what a model is.
 *
 * Determinism: `sample` must be a pure function of its arguments and the draws it takes from `ctx.rng`
 * (the study gives each trial its own seeded rng and a fixed history), so that the same run seed and
 * results always give the same proposals. A strategy that keeps state between trials must be able to
 * rebuild it from `ctx.history` (storage is the only truth; resuming is just loading the study);
 * `saveState`/`loadState` are for caches that are costly to rebuild, never for the truth.
 */
import type { Distribution, ParamValue } from "../space/distributions";
import type { Direction, FinishedTrial } from "../space/trial-record";
import type { Rng } from "../rng";

export type { FinishedTrial } from "../space/trial-record";

export interface SampleContext {
  /** finished trials the proposal may learn from, ordered by number (never mutate) */
  readonly history: readonly FinishedTrial[];
  /** the trial being proposed */
  readonly trialNumber: number;
  /** this trial's seeded randomness, shared by `beforeTrial` and every `sample` of the trial */
  readonly rng: Rng;
  /** whether greater values are better: read `FinishedTrial.value` with it */
  readonly direction: Direction;
  /**
   * the earlier proposals of this trial's own batch (numbers batchStart..trialNumber-1), ordered by
   * number: already handed out but without a visible result, so a model-based strategy can steer away
   * from them (e.g. a constant liar). Absent when the caller knows of none.
   */
  readonly pending?: readonly PendingTrial[];
}

export interface PendingTrial {
  readonly number: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface Strategy {
  /** the registry name, e.g. "random" */
  readonly name: string;
  /** called once per trial before its first `sample` (e.g. to fit a model on the history) */
  beforeTrial?(ctx: SampleContext): void;
  /** the value for one hyperparameter; it must lie inside `dist` */
  sample(ctx: SampleContext, name: string, dist: Distribution): ParamValue;
  /** optional JSON snapshot of caches (see the determinism note above) */
  saveState?(): JsonValue;
  loadState?(state: JsonValue): void;
}

export type StrategyFactory = (options?: unknown) => Strategy;
