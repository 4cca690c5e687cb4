/**
 * A whole studio in one process, for tests that SIGKILL it at random moments and start it again
 * (server/jobs/resume.test.ts): `STUDIO_DATA_DIR=... node --import tsx server/jobs/testing/crashable-studio-main.ts`.
 *
 * It runs the real coordinator, store, queue and study; only a trial's training is replaced by a synthetic
 * objective of its params (training is far too slow for dozens of kills, and its determinism is tested elsewhere).
 * It exits 0 once no run of the studio is active. On stdout it reports each step as one line (see `report`),
 * so that the test can tell where a kill landed.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createScheduler } from "../../automl/schedulers";
import { ACTIVE_RUN_STATUSES } from "../../contracts/run";
import { loadConfig } from "../../config";
import { createContext, type StudioContext } from "../../context";
import type { TrialStatus } from "../../db/store";
import { Coordinator } from "../coordinator";
import type { Job } from "../queue";
import { syntheticScore } from "./synthetic-objective";

const WORKER_ID = `crashable-${process.pid}`;
const STILL_RUNNING: TrialStatus[] = ["queued", "running"];

/** Writes to a pipe are synchronous on Linux: a line reported before a SIGKILL reaches the parent. */
const report = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Takes back every claim: the only process that could hold one is the previous incarnation of this one, which is
 * dead. This is Supervisor.reap with staleMs 0, but Supervisor.tick cannot be reused: after MAX_ATTEMPTS (2) deaths it
 * fails the trial (a worker that keeps dying is out of memory), and a test that kills 10 times may well kill one trial
 * twice, which would make the run differ from an uninterrupted one for a reason unrelated to resuming.
 */
async function takeBackClaims(ctx: StudioContext): Promise<void> {
  const { requeued } = await ctx.queue.reapStale(0, Number.MAX_SAFE_INTEGER);
  for (const job of requeued) {
    // as the supervisor does: a trial that already finished keeps its result (its job is claimed again and skipped)
    if (job.trialId) await ctx.store.transitionTrial(job.trialId, STILL_RUNNING, { status: "queued", reason: "its worker died; retried" });
  }
}

/**
 * The worker's step (Worker.execute and trainTrial) with the training replaced by `syntheticScore`. Under a scheduler,
 * a rung below the last pauses the trial with a score that grows with its epochs (as a learning curve would), and the
 * last rung finishes it, as train-trial.ts does.
 */
async function runSyntheticTrial(ctx: StudioContext, job: Job): Promise<void> {
  const trial = job.trialId ? await ctx.store.getTrial(job.trialId) : null;
  if (trial && STILL_RUNNING.includes(trial.status)) {
    const run = await ctx.store.getRun(trial.runId);
    const scheduler = run ? createScheduler(run.scheduler) : null;
    const budget = scheduler && trial.bracket !== null && trial.rung !== null ? scheduler.budget(trial.bracket, trial.rung) : null;
    await ctx.store.updateTrial(trial.id, { status: "running", startedAt: new Date(), reason: null, attempts: job.attempts });
    report(`trial ${trial.number} running`);
    // long enough that some kills land while a trial is "running"
    await sleep(5 + Math.random() * 15);
    report(`trial ${trial.number} writing`);
    const valScore = syntheticScore(trial.params) * (budget ? 1 - Math.exp(-budget.epochs / 20) : 1);
    await ctx.store.updateTrial(trial.id, {
      status: budget && !budget.final ? "paused" : "done",
      reason: null,
      valScore,
      ...(budget && { epochs: budget.epochs, rungScores: [...(trial.rungScores ?? []), valScore] }),
      ...((!budget || budget.final) && { finishedAt: new Date() }),
    });
    report(`trial ${trial.number} written`);
  }
  await ctx.queue.complete(job.id);
}

const ctx = await createContext(loadConfig(process.env));
report("ready");
await takeBackClaims(ctx);
const coordinator = new Coordinator(ctx, (msg) => report(`coordinator: ${msg}`));
while ((await ctx.store.listRuns({ statuses: [...ACTIVE_RUN_STATUSES] })).length > 0) {
  await coordinator.tick();
  const job = await ctx.queue.claim(WORKER_ID);
  if (job) await runSyntheticTrial(ctx, job);
  // nothing to claim: the coordinator is closing a run, or waiting (which would be a bug the test reports)
  else await sleep(10);
}
await ctx.close();
report("finished");
