/**
 * The ask/tell core: a study asks its strategy for a trial's values through a define-by-run space,
 * records the proposal in the store and, when told the outcome, records that too. It has no
 * strategy-specific branches: every strategy is driven through the same `Strategy` contract.
 *
 * DETERMINISM RULE. Trials are grouped in batches of fixed size `batchSize` (trial n is in batch
 * floor(n / batchSize)), independent of the number of workers. The proposal for trial n:
 *   - sees exactly the finished trials of the batches before n's batch (numbers < batchStart(n)), and
 *     nothing from its own batch or later, even if some of those have already finished;
 *   - sees as pending exactly the proposals of its own batch numbered below n (running or finished,
 *     their results stay hidden), so a batch's proposals are made in order: trial n is not ready until
 *     every earlier trial of its batch has been proposed;
 *   - draws its randomness only from `createRng(deriveSeed(seed, n))`.
 * So the same seed, space and trial budget always give the same proposals, whatever order results
 * arrive in and however many workers run them. The price: if any trial of an earlier batch is still
 * running, trial n cannot be proposed yet and `ask` returns null ("not ready"); the coordinator then
 * waits and asks again once that batch has results. `batchSize` is part of a run's identity: store it
 * with the run (changing it changes the proposals).
 */
import { createRng, deriveSeed } from "./rng";
import type { Distribution } from "./space/distributions";
import { RecordingSuggest } from "./space/recording-suggest";
import type { Params, Suggest } from "./space/suggest";
import { isBetter, outcomeProblem, type Direction, type FinishedTrial, type TrialState } from "./space/trial-record";
import type { SampleContext, Strategy } from "./strategies/strategy";
import { constrainedHistory, isInfeasible } from "./constrained-history";
import type { ProposedTrial, TrialStore } from "./store/trial-store";

export interface StudyOptions {
  /** the store's key for this study (e.g. the run id) */
  studyId: string;
  strategy: Strategy;
  direction: Direction;
  /** the run seed: trial n's randomness is `deriveSeed(seed, n)` */
  seed: number;
  store: TrialStore;
  /** trials per batch, the unit of determinism (e.g. 4); independent of the worker count */
  batchSize: number;
  /**
   * overrides `batchSize` where batches are not of one size: the first trial number of `number`'s batch (a
   * Hyperband bracket is one batch); must be a pure, non-decreasing function with batchStart(n) <= n
   */
  batchStart?: (number: number) => number;
  /**
   * no batches (an asynchronous scheduler such as ASHA): trial n sees whatever has finished when it is asked and
   * every unfinished earlier proposal as pending, so it never waits; the same seed then gives the same trials only
   * when trials finish in the same order (one worker)
   */
  asynchronous?: boolean;
}

export interface Proposal {
  number: number;
  /** the values the space asked for, by name (only the names it asked: conditional ones may be absent) */
  params: Params;
  distributions: Record<string, Distribution>;
}

export class Study {
  readonly studyId: string;
  readonly strategy: Strategy;
  readonly direction: Direction;
  readonly seed: number;
  readonly batchSize: number;
  private readonly store: TrialStore;
  private readonly batchStartOf: (number: number) => number;
  private readonly asynchronous: boolean;

  constructor(options: StudyOptions) {
    const { studyId, strategy, direction, seed, store, batchSize } = options;
    if (direction !== "maximize" && direction !== "minimize") throw new Error(`direction must be "maximize" or "minimize", got ${JSON.stringify(direction)}`);
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
    this.studyId = studyId;
    this.strategy = strategy;
    this.direction = direction;
    this.seed = seed;
    this.batchSize = batchSize;
    this.batchStartOf = options.batchStart ?? ((n) => batchStart(n, batchSize));
    this.asynchronous = options.asynchronous ?? false;
    this.store = store;
  }

  /**
   * Proposes trial `number` by running `defineSpace` against the strategy, and records the proposal.
   * Returns null when a trial of an earlier batch has not finished yet, or an earlier trial of the same
   * batch has not been proposed yet (ask again later). Asking the
   * same number again returns the same proposal. `defineSpace`'s return value is not used: the
   * proposal's params are the values it asked for.
   */
  /**
   * `enqueued` (Optuna's enqueue_trial): values this trial must take, e.g. a model family's known-good
   * defaults tried first; names it does not fix are still asked of the strategy.
   */
  async ask(number: number, defineSpace: (s: Suggest) => unknown, enqueued?: Params): Promise<Proposal | null> {
    if (!Number.isSafeInteger(number) || number < 0) throw new Error(`trial numbers are non-negative integers, got ${number}`);
    const finished = await this.store.finishedTrials(this.studyId);
    const proposals = await this.store.proposals(this.studyId);
    const start = this.asynchronous ? null : this.batchStartOf(number);
    const history = start === null ? finished.filter((t) => t.number < number) : visibleHistory(number, start, finished);
    if (!history) return null;
    const done = new Set(finished.map((t) => t.number));
    const pending = start === null ? proposals.filter((p) => p.number < number && !done.has(p.number)) : pendingTrials(number, start, proposals);
    if (!pending) return null;
    const ctx: SampleContext = { history: constrainedHistory(history, this.direction), pending, trialNumber: number, rng: createRng(deriveSeed(this.seed, number)), direction: this.direction };
    this.strategy.beforeTrial?.(ctx);
    const sample = (name: string, dist: Distribution) => (enqueued && name in enqueued ? enqueued[name] : this.strategy.sample(ctx, name, dist));
    const suggest = new RecordingSuggest(sample, enqueued ? "the enqueued trial" : `strategy "${this.strategy.name}"`);
    defineSpace(suggest);
    const proposal: Proposal = { number, params: suggest.params, distributions: suggest.distributions };
    await this.store.saveProposal(this.studyId, proposal);
    return proposal;
  }

  /**
   * Records how trial `number` ended. `value` is the raw objective (read with `direction`). A complete
   * trial whose value is NaN or infinite (a diverged model) is recorded as failed, as Optuna does.
   * `step` is the budget a pruned trial's value was measured at (see FinishedTrial.step); `violation` how far the
   * trial breaks the study's constraints (see FinishedTrial.violation).
   */
  async tell(number: number, value: number | null, state: TrialState = value === null ? "failed" : "complete", step?: number, violation?: number): Promise<FinishedTrial> {
    if (state === "complete" && value !== null && !Number.isFinite(value)) {
      value = null;
      state = "failed";
    }
    const problem = outcomeProblem(value, state);
    if (problem) throw new Error(`tell(${number}): ${problem}`);
    if (violation !== undefined && !(Number.isFinite(violation) && violation >= 0)) throw new Error(`tell(${number}): a violation is a finite number, 0 or more; got ${violation}`);
    return this.store.saveResult(this.studyId, number, { value, state, ...(state === "pruned" && step !== undefined && { step }), ...(violation !== undefined && { violation }) });
  }

  /** every finished trial, ordered by number */
  trials(): Promise<FinishedTrial[]> {
    return this.store.finishedTrials(this.studyId);
  }

  /** the feasible complete trial with the best value (ties: the earlier trial), or null */
  async best(): Promise<FinishedTrial | null> {
    let best: FinishedTrial | null = null;
    for (const t of await this.trials()) {
      if (t.state !== "complete" || t.value === null || isInfeasible(t)) continue;
      if (!best || isBetter(this.direction, t.value, best.value as number)) best = t;
    }
    return best;
  }
}

/** the first trial number of `number`'s batch */
export function batchStart(number: number, batchSize: number): number {
  return Math.floor(number / batchSize) * batchSize;
}

/**
 * The history trial `number` may see under the determinism rule: the finished trials numbered below
 * its batch's `start`, or null when one of them is missing (not finished yet). Pure, so a coordinator
 * can also use it directly on rows it has already loaded.
 */
export function visibleHistory(number: number, start: number, finished: readonly FinishedTrial[]): FinishedTrial[] | null {
  const visible = finished.filter((t) => t.number < start).sort((a, b) => a.number - b.number);
  if (visible.length !== start || visible.some((t, i) => t.number !== i)) return null;
  return visible;
}

/**
 * The pending trials of `number` under the determinism rule: the proposals numbered from its batch's
 * `start` up to (not including) `number`, or null when one of them has not been proposed yet. Pure.
 */
export function pendingTrials(number: number, start: number, proposals: readonly ProposedTrial[]): ProposedTrial[] | null {
  const pending = proposals.filter((p) => p.number >= start && p.number < number).sort((a, b) => a.number - b.number);
  if (pending.length !== number - start || pending.some((p, i) => p.number !== start + i)) return null;
  return pending;
}
