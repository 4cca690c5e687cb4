import type { RunRow, TrialRow } from "../db/store";
import type { Task } from "../models/family";
import { getFamily } from "../models/registry";
import { greaterIsBetter } from "../automl/estimation/metrics";
import { replaySpace } from "../automl/space/recording-suggest";
import type { Params } from "../automl/space/suggest";
import type { TrialResult } from "../automl/store/trial-store";
import { MemoryTrialStore } from "../automl/store/memory-trial-store";
import { createScheduler } from "../automl/schedulers";
import { createStrategy } from "../automl/strategies";
import { tpeOptionsSchema } from "../automl/strategies/tpe";
import { gpOptionsSchema } from "../automl/strategies/gp";
import { withBranchAllocation } from "../automl/strategies/branch-allocation";
import type { Strategy } from "../automl/strategies/strategy";
import { Study } from "../automl/study";
import { ENSEMBLE_FAMILY } from "../models/ensemble/ensemble-spec";
import { FAMILY_KEY, candidateSpace, chosenFamily, defaultCandidates } from "./candidate-space";
import { checkConstraints } from "./serving-constraints";

/** trials per batch, the unit of determinism (see study.ts); fixed, so results never depend on the worker count */
export const BATCH_SIZE = 4;

/**
 * The trials of the batches before trial `number`'s (in a run without a scheduler): all finished when `number` was
 * proposed, so what a trial learns from them is the same however many workers ran and whatever order they ended in.
 */
export function earlierBatches<T extends { number: number }>(trials: readonly T[], number: number): T[] {
  const batchStart = Math.floor(number / BATCH_SIZE) * BATCH_SIZE;
  return trials.filter((t) => t.number < batchStart);
}

/**
 * How many of a run's first trials the strategy proposes without looking at any result, so that the determinism rule
 * need not hold them back: TPE samples at random until nStartup trials have finished, and under batches of BATCH_SIZE
 * trial n sees the floor(n / BATCH_SIZE) * BATCH_SIZE trials before its batch, so every trial below nStartup rounded
 * up to a whole batch (12 for nStartup 10) is a default candidate or a random draw from its own seeded generator —
 * the same proposal whichever results it could see. Those trials form one opening batch: each starts as soon as a
 * worker is free instead of waiting for the slowest trial of the batch before (on large data a network's default
 * trial can take most of a short budget, and batches of 4 left the other worker idle behind it). The proposals, and
 * so the leaderboard of a run with a trial budget, are exactly those of batches of 4. Only for full and learning-curve
 * estimation: lower-fidelity screening and weight inheritance rely on the batches of 4 (earlierBatches). Random search
 * never looks at results, so its runs need no batches at all. 0: the batches of BATCH_SIZE from the first trial.
 */
export function historyFreeTrials(run: Pick<RunRow, "strategy" | "estimation" | "scheduler">): number {
  if (createScheduler(run.scheduler) || (run.estimation !== "full" && run.estimation !== "curve")) return 0;
  if (run.strategy === "random") return Infinity;
  if (run.strategy === "tpe") return Math.ceil(tpeOptionsSchema.parse({}).nStartup / BATCH_SIZE) * BATCH_SIZE;
  return 0;
}

/**
 * Whether a run's proposals skip the batches altogether (the study's asynchronous mode, as Optuna and Ray Tune run
 * parallel workers): trial n sees every trial finished when it is asked, and the unfinished ones as pending (TPE and
 * GP read them as a constant liar, branch allocation as spent cost). Only a run that spends seconds, whose trials
 * already differ from one run to the next with the machine's pace (how many fit in the budget, and each one's cost
 * steers branch allocation): there the batches bought no determinism, and their price was a worker idle behind the
 * slowest trial of the batch before (on credit-g, 60 s on 2 workers, the workers were busy 68% of the time, one often
 * waiting 5 to 14 s behind a network). A run with a trial budget keeps its batches, and with them its leaderboard
 * for a seed. Not under a scheduler (it sets the batches) nor with lower-fidelity screening or weight inheritance
 * (they read earlierBatches).
 */
export function proposesAsynchronously(run: Pick<RunRow, "estimation" | "scheduler" | "maxTrials" | "budgetSeconds">): boolean {
  return spendsSeconds(run) && !createScheduler(run.scheduler) && (run.estimation === "full" || run.estimation === "curve");
}

/** the first trial number of trial `number`'s batch, with the opening batch of historyFreeTrials */
export function batchStartOf(number: number, historyFree: number): number {
  return number < historyFree ? 0 : Math.floor(number / BATCH_SIZE) * BATCH_SIZE;
}

/**
 * Asks the run's study for trial `number`. The study's state is rebuilt from the stored trials each time
 * (the database is the only truth), so a restarted coordinator proposes exactly what it would have.
 * Returns null while an earlier batch is unfinished (never where the run proposes asynchronously).
 */
export async function proposeTrial(run: RunRow, trials: TrialRow[], number: number): Promise<{ family: string; params: Params } | null> {
  const families = run.families.map(getFamily);
  // the space depends on the problem type only; classes are not known to the coordinator
  const task: Task = { type: run.problemType, classes: [] };
  const space = candidateSpace(families, task);
  const store = new MemoryTrialStore();
  // ensembles combine candidates; they are not points of the space
  for (const t of trials.filter((t) => t.family !== ENSEMBLE_FAMILY)) {
    const replayed = replaySpace(space, t.params);
    await store.saveProposal(run.id, { number: t.number, ...replayed });
    const outcome = withCost(studyOutcome(t), t, run);
    // the verdict stored with the trial, and how far off it is (recomputed from its costs: the same columns)
    if (outcome) await store.saveResult(run.id, t.number, t.infeasibleReason === null ? outcome : { ...outcome, violation: checkConstraints(run, t).violation });
  }
  // a scheduler sets the batches: a Hyperband bracket is one batch; ASHA proposes without waiting
  const batching = createScheduler(run.scheduler)?.batchStart;
  const historyFree = historyFreeTrials(run);
  const asynchronous = !batching && proposesAsynchronously(run);
  const study = new Study({
    studyId: run.id,
    strategy: searchStrategy(run.strategy, families.length),
    direction: greaterIsBetter(run.metric) ? "maximize" : "minimize",
    seed: run.seed,
    store,
    batchSize: BATCH_SIZE,
    ...(batching && (batching(0) === "asynchronous" ? { asynchronous: true } : { batchStart: (n: number) => batching(n) as number })),
    ...(asynchronous && { asynchronous: true }),
    ...(!batching && !asynchronous && historyFree > 0 && { batchStart: (n: number) => batchStartOf(n, historyFree) }),
  });
  const proposal = await study.ask(number, space, defaultCandidates(families, task, spendsSeconds(run) ? "priority" : "listed")[number]);
  return proposal && { family: chosenFamily(proposal.params, run.families), params: proposal.params };
}

/** the model-based strategies' random startups: the family is theirs to draw until that many trials have finished */
const MODEL_BASED_STARTUP: Record<string, number> = { tpe: tpeOptionsSchema.parse({}).nStartup, gp: gpOptionsSchema.parse({}).nStartup };
/**
 * Within a family the model takes over after this many of the family's own trials: a family gets a share of a run's
 * trials, and the run's startup (above) has already drawn a few of each family at random.
 */
const FAMILY_STARTUP = 4;

/**
 * The run's strategy; with several families under a model-based strategy, the family is drawn by branch allocation
 * (branch-allocation.ts) so the budget is spread across families rather than exhausted on the one that led early.
 * Random and grid search spread it by construction; evolution, coarse-to-fine and the RL controller move by their
 * own rules, which the family choice is part of.
 */
function searchStrategy(name: string, families: number): Strategy {
  const strategy = createStrategy(name);
  const startup = MODEL_BASED_STARTUP[name];
  if (families <= 1 || startup === undefined) return strategy;
  return withBranchAllocation(strategy, { key: FAMILY_KEY, startup }, createStrategy(name, { nStartup: FAMILY_STARTUP }));
}

/** a run with only a wall-clock budget spends seconds; one with a trial budget spends trials */
const spendsSeconds = (run: Pick<RunRow, "maxTrials" | "budgetSeconds">) => run.maxTrials === null && run.budgetSeconds !== null;

/**
 * A run that spends seconds tells a strategy that weighs where its budget goes (branch allocation) each trial's
 * training seconds; in a run that spends trials, seconds (which vary with the machine's load) must not steer its
 * proposals, or the same seed and budget would not give the same trials.
 */
function withCost(outcome: TrialResult | null, t: TrialRow, run: RunRow): TrialResult | null {
  if (!outcome || !spendsSeconds(run) || t.trainSeconds == null) return outcome;
  return { ...outcome, cost: t.trainSeconds };
}

/** How the study sees a stored trial's outcome; null while it is still queued or running. */
function studyOutcome(t: TrialRow): TrialResult | null {
  // a stopped trial's score was measured after the epochs it trained: the step that ranks it among pruned ones
  const lowFidelity = (value: number): TrialResult => ({ value, state: "pruned", ...(t.epochs != null && { step: t.epochs }) });
  switch (t.status) {
    case "done":
      return t.valScore == null ? { value: null, state: "failed" } : { value: t.valScore, state: "complete" };
    case "stopped":
    case "pruned":
      return t.valScore == null ? { value: null, state: "failed" } : lowFidelity(t.valScore);
    case "paused":
      // only an asynchronous scheduler lets a proposal see a paused trial: its score so far, at a lower fidelity
      return t.valScore == null ? null : lowFidelity(t.valScore);
    case "failed":
    case "cancelled":
      return { value: null, state: "failed" };
    default:
      return null;
  }
}
