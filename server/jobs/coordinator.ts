import { randomUUID } from "node:crypto";
import type { StudioContext } from "../context";
import type { RunRow, RunStatus, TrialRow } from "../db/store";
import { getFamily } from "../models/registry";
import { greaterIsBetter } from "../automl/estimation/metrics";
import { createScheduler, type Scheduler } from "../automl/schedulers";
import { proposeTrial } from "./propose";
import { prepareRunData } from "./run-data";
import { runDeadline } from "./train-trial";
import { ensembleCandidates } from "./ensemble-trial";
import { keepRunInsight } from "./run-insight";
import { ENSEMBLE_FAMILY, ENSEMBLE_METHODS, ENSEMBLE_SPACE_VERSION } from "../models/ensemble/ensemble-spec";

const ACTIVE = new Set(["queued", "running"]);
/** a run whose first trials all fail has a systematic problem: stop it instead of burning the budget */
const FAILURES_BEFORE_GIVING_UP = 5;

/**
 * Drives every unfinished run one step: starts queued runs, keeps each running run's queue filled with
 * proposals from its study, stops at the budget, and closes cancelled runs. Idempotent: the database is
 * the only truth, so a restarted coordinator simply carries on.
 */
export class Coordinator {
  constructor(
    private readonly ctx: StudioContext,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  async tick(): Promise<void> {
    const runs = await this.ctx.store.listRuns({ statuses: ["queued", "running", "cancelling"] });
    for (const run of runs) {
      try {
        await this.advance(run);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        this.log(`run ${run.id} failed: ${message}`);
        await this.ctx.queue.cancelRun(run.id);
        await this.ctx.store.transitionRun(run.id, [run.status], { status: "failed", error: message, finishedAt: new Date() });
      }
    }
  }

  private async advance(run: RunRow): Promise<void> {
    if (run.status === "queued") {
      await prepareRunData(this.ctx, run);
      await this.ctx.store.transitionRun(run.id, ["queued"], { status: "running", startedAt: new Date(), error: null });
      return;
    }
    const trials = await this.ctx.store.listTrials(run.id);
    if (run.status === "cancelling") return this.closeCancelled(run, trials);
    await this.requeueOrphans(run, trials);
    // the search is over once its ensembles exist: the run ends when they are built
    const ensembles = trials.filter((t) => t.family === ENSEMBLE_FAMILY);
    if (ensembles.length > 0) {
      if (!ensembles.some((t) => ACTIVE.has(t.status))) await this.finish(run, "completed", ["running"]);
      return;
    }

    const active = trials.filter((t) => ACTIVE.has(t.status));
    const failed = trials.filter((t) => t.status === "failed");
    if (failed.length >= FAILURES_BEFORE_GIVING_UP && failed.length === trials.filter((t) => !ACTIVE.has(t.status)).length) {
      throw new Error(`the first ${failed.length} trials all failed; the first said: ${failed[0].reason ?? "no reason"}`);
    }
    const scheduler = createScheduler(run.scheduler);
    if (scheduler) return this.advanceScheduled(run, trials, scheduler);
    const outOfTime = Date.now() >= runDeadline(run);
    const outOfTrials = run.maxTrials != null && trials.length >= run.maxTrials;
    if (outOfTime) await this.dropQueued(run, trials, "budget ran out before it started");
    if (outOfTime || outOfTrials) {
      const stillActive = outOfTime ? (await this.ctx.store.listTrials(run.id)).filter((t) => ACTIVE.has(t.status)) : active;
      if (stillActive.length === 0) await this.endSearch(run);
      return;
    }
    let number = trials.length;
    let inFlight = active.length;
    while (inFlight < this.ctx.config.workers && (run.maxTrials == null || number < run.maxTrials)) {
      if (!(await this.startTrial(run, trials, number))) break; // the study waits for results of the previous batch (determinism, in a run with a trial budget)
      number++;
      inFlight++;
    }
  }

  /** proposes trial `number` and queues it; false while the study waits for an earlier batch */
  private async startTrial(run: RunRow, trials: TrialRow[], number: number, rungs?: { bracket: number }): Promise<boolean> {
    const proposal = await proposeTrial(run, trials, number);
    if (!proposal) return false;
    const id = randomUUID();
    const { family, params } = proposal;
    await this.ctx.store.createTrial({ id, runId: run.id, number, family, params, spaceVersion: getFamily(family).spaceVersion, ...(rungs && { bracket: rungs.bracket, rung: 0 }) });
    await this.ctx.queue.enqueue({ id: randomUUID(), runId: run.id, trialId: id, kind: "trial", payload: {} });
    this.log(`run ${run.id}: queued trial #${number}`);
    return true;
  }

  /**
   * A run with a scheduler: its decisions (scheduler.ts) start trials at their first rung, continue paused ones from
   * their checkpoints, and prune the rest. It is done when the scheduler has nothing left and nothing runs or waits.
   */
  private async advanceScheduled(run: RunRow, trials: TrialRow[], scheduler: Scheduler): Promise<void> {
    const active = trials.filter((t) => ACTIVE.has(t.status));
    if (Date.now() >= runDeadline(run)) {
      await this.dropQueued(run, trials, "budget ran out before it started");
      for (const t of trials.filter((t) => t.status === "paused")) {
        await this.ctx.store.transitionTrial(t.id, ["paused"], { status: "pruned", reason: `the budget ran out while it waited at rung ${t.rung} (${t.epochs} epochs)`, finishedAt: new Date() });
      }
      if (!trials.some((t) => t.status === "running")) await this.endSearch(run);
      return;
    }
    const decisions = scheduler.decide({
      trials: trials.map((t) => ({ number: t.number, bracket: t.bracket, rung: t.rung, status: t.status, rungScores: t.rungScores ?? [] })),
      maxTrials: run.maxTrials,
      freeSlots: Math.max(0, this.ctx.config.workers - active.length),
      direction: greaterIsBetter(run.metric) ? "maximize" : "minimize",
    });
    if (decisions.length === 0 && active.length === 0 && !trials.some((t) => t.status === "paused")) {
      await this.endSearch(run);
      return;
    }
    const byNumber = new Map(trials.map((t) => [t.number, t]));
    let number = trials.length;
    for (const d of decisions) {
      if (d.kind === "start") {
        if (!(await this.startTrial(run, trials, number, { bracket: d.bracket }))) break;
        number++;
      } else if (d.kind === "prune") {
        await this.ctx.store.transitionTrial(byNumber.get(d.number)!.id, ["paused"], { status: "pruned", reason: d.reason, finishedAt: new Date() });
      } else {
        const trial = byNumber.get(d.number)!;
        if (!(await this.ctx.store.transitionTrial(trial.id, ["paused"], { status: "queued", rung: d.rung, reason: `promoted: continues from its checkpoint to ${d.epochs} epochs` }))) continue;
        await this.ctx.queue.enqueue({ id: randomUUID(), runId: run.id, trialId: trial.id, kind: "trial", payload: {} });
        this.log(`run ${run.id}: trial #${trial.number} promoted to rung ${d.rung}`);
      }
    }
  }

  /**
   * The search is over: its ensembles are queued as leaderboard rows of their own (after the budget too: they train
   * nothing, only combine what the search found), or the run ends when there is nothing to combine.
   */
  private async endSearch(run: RunRow) {
    const trials = await this.ctx.store.listTrials(run.id);
    if ((await ensembleCandidates(this.ctx, run, trials)).length === 0) return this.finish(run, "completed", ["running"]);
    for (const [i, method] of ENSEMBLE_METHODS.entries()) {
      const id = randomUUID();
      await this.ctx.store.createTrial({ id, runId: run.id, number: trials.length + i, family: ENSEMBLE_FAMILY, params: { method }, spaceVersion: ENSEMBLE_SPACE_VERSION });
      await this.ctx.queue.enqueue({ id: randomUUID(), runId: run.id, trialId: id, kind: "trial", payload: {} });
    }
    this.log(`run ${run.id}: search over; building its ensembles`);
  }

  /**
   * A trial is created, then its job enqueued: a process killed between the two writes leaves a queued trial without
   * a job, which no worker would ever take (and a crash inside the supervisor's reaping can leave a running one).
   * Such trials get a job again, so the run carries on exactly as it would have.
   */
  private async requeueOrphans(run: RunRow, trials: TrialRow[]) {
    if (!trials.some((t) => ACTIVE.has(t.status))) return;
    // the jobs first, then the trials: a worker finishes its trial before it completes its job, so a trial still
    // active after its job was seen gone really has none (read the other way round, one just finished would look so)
    const withJobs = await this.ctx.queue.trialsWithJobs(run.id);
    const orphans = (await this.ctx.store.listTrials(run.id)).filter((t) => ACTIVE.has(t.status) && !withJobs.has(t.id));
    for (const t of orphans) {
      if (t.status === "running" && !(await this.ctx.store.transitionTrial(t.id, ["running"], { status: "queued", reason: "its job was lost in a crash; retried" }))) continue;
      await this.ctx.queue.enqueue({ id: randomUUID(), runId: run.id, trialId: t.id, kind: "trial", payload: {} });
      this.log(`run ${run.id}: trial #${t.number} had no job; queued again`);
    }
  }

  private async closeCancelled(run: RunRow, trials: TrialRow[]) {
    await this.dropQueued(run, trials, "run was cancelled");
    if (trials.some((t) => t.status === "running")) return; // workers stop at their next epoch
    await this.finish(run, "cancelled", ["cancelling"]);
  }

  private async dropQueued(run: RunRow, trials: TrialRow[], reason: string) {
    await this.ctx.queue.cancelRun(run.id);
    for (const t of trials.filter((t) => t.status === "queued")) {
      await this.ctx.store.transitionTrial(t.id, ["queued"], { status: "cancelled", reason, finishedAt: new Date() });
    }
  }

  private async finish(run: RunRow, status: RunStatus, from: RunStatus[]) {
    const trials = await this.ctx.store.listTrials(run.id);
    const best = bestTrial(trials, run.metric);
    const elapsed = run.elapsedSeconds + (run.startedAt ? (Date.now() - run.startedAt.getTime()) / 1000 : 0);
    const done = await this.ctx.store.transitionRun(run.id, from, {
      status,
      bestTrialId: best?.id ?? null,
      finishedAt: new Date(),
      elapsedSeconds: elapsed,
      error: best ? null : trials.some((t) => t.infeasibleReason !== null) ? "no candidate met the run's constraints" : "no candidate finished",
    });
    if (!done) return;
    this.log(`run ${run.id} ${status}; best trial ${best ? `#${best.number} (${best.valScore})` : "none"}`);
    const finished = await this.ctx.store.getRun(run.id);
    // a failure costs only speed: the first request for the insight then computes and keeps it
    if (finished) await keepRunInsight(this.ctx.store, finished).catch((e: unknown) => this.log(`run ${run.id}: its search insight was not kept: ${String(e)}`));
  }
}

/** The best finished feasible candidate (one within the run's constraints) by validation score (ties: the earlier trial), or null. */
export function bestTrial(trials: TrialRow[], metric: RunRow["metric"]): TrialRow | null {
  const sign = greaterIsBetter(metric) ? 1 : -1;
  let best: TrialRow | null = null;
  for (const t of trials) {
    if ((t.status !== "done" && t.status !== "stopped") || t.valScore == null || !Number.isFinite(t.valScore) || t.infeasibleReason !== null) continue;
    if (!best || sign * (t.valScore - (best.valScore as number)) > 0) best = t;
  }
  return best;
}
