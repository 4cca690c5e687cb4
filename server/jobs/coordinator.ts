import { randomUUID } from "node:crypto";
import type { StudioContext } from "../context";
import type { RunRow, RunStatus, TrialRow } from "../db/store";
import { getFamily } from "../models/registry";
import { greaterIsBetter } from "../automl/estimation/metrics";
import { proposeTrial } from "./propose";
import { prepareRunData } from "./run-data";
import { runDeadline } from "./train-trial";

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

    const active = trials.filter((t) => ACTIVE.has(t.status));
    const failed = trials.filter((t) => t.status === "failed");
    if (failed.length >= FAILURES_BEFORE_GIVING_UP && failed.length === trials.filter((t) => !ACTIVE.has(t.status)).length) {
      throw new Error(`the first ${failed.length} trials all failed; the first said: ${failed[0].reason ?? "no reason"}`);
    }
    const outOfTime = Date.now() >= runDeadline(run);
    const outOfTrials = run.maxTrials != null && trials.length >= run.maxTrials;
    if (outOfTime) await this.dropQueued(run, trials, "budget ran out before it started");
    if (outOfTime || outOfTrials) {
      const stillActive = outOfTime ? (await this.ctx.store.listTrials(run.id)).filter((t) => ACTIVE.has(t.status)) : active;
      if (stillActive.length === 0) await this.finish(run, "completed", ["running"]);
      return;
    }
    let number = trials.length;
    let inFlight = active.length;
    while (inFlight < this.ctx.config.workers && (run.maxTrials == null || number < run.maxTrials)) {
      const proposal = await proposeTrial(run, trials, number);
      if (!proposal) break; // the study waits for results of the previous batch (determinism)
      const id = randomUUID();
      await this.ctx.store.createTrial({ id, runId: run.id, number, family: proposal.family, params: proposal.params, spaceVersion: getFamily(proposal.family).spaceVersion });
      await this.ctx.queue.enqueue({ id: randomUUID(), runId: run.id, trialId: id, kind: "trial", payload: {} });
      this.log(`run ${run.id}: queued trial #${number}`);
      number++;
      inFlight++;
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
      error: best ? null : "no candidate finished",
    });
    if (done) this.log(`run ${run.id} ${status}; best trial ${best ? `#${best.number} (${best.valScore})` : "none"}`);
  }
}

/** The best finished candidate by validation score (ties: the earlier trial), or null. */
export function bestTrial(trials: TrialRow[], metric: RunRow["metric"]): TrialRow | null {
  const sign = greaterIsBetter(metric) ? 1 : -1;
  let best: TrialRow | null = null;
  for (const t of trials) {
    if ((t.status !== "done" && t.status !== "stopped") || t.valScore == null || !Number.isFinite(t.valScore)) continue;
    if (!best || sign * (t.valScore - (best.valScore as number)) > 0) best = t;
  }
  return best;
}
