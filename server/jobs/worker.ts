import type { StudioContext } from "../context";
import type { Job } from "./queue";
import { LostClaimError, trainTrial } from "./train-trial";
import { buildEnsembleTrial } from "./ensemble-trial";
import { ENSEMBLE_FAMILY } from "../models/ensemble/ensemble-spec";

export const HEARTBEAT_MS = 2_000;

/**
 * A worker: claims one job at a time from the queue and runs it. Trials never run in the web server;
 * each worker is its own process, so a crash or an out-of-memory kill takes down one trial, not the studio.
 */
export class Worker {
  private stopping = false;

  constructor(
    private readonly ctx: StudioContext,
    readonly id: string,
    private readonly backend: string,
    private readonly log: (msg: string) => void = () => {},
  ) {}

  async runForever(idleMs = 250): Promise<void> {
    while (!this.stopping) {
      const worked = await this.runOne();
      if (!worked) await new Promise((r) => setTimeout(r, idleMs));
    }
  }

  stop() {
    this.stopping = true;
  }

  /** Claims and runs one job; false when the queue was empty. */
  async runOne(): Promise<boolean> {
    const job = await this.ctx.queue.claim(this.id);
    if (!job) return false;
    const beat = () => this.ctx.queue.heartbeat(job.id, this.id);
    const timer = setInterval(() => void beat().catch(() => {}), HEARTBEAT_MS);
    try {
      await this.execute(job, beat);
      await this.ctx.queue.complete(job.id);
    } catch (err) {
      if (err instanceof LostClaimError) {
        this.log(`job ${job.id}: ${err.message}; another worker has it now`);
        return true;
      }
      const reason = err instanceof Error ? err.message : String(err);
      this.log(`job ${job.id} failed: ${reason}`);
      if (job.trialId) {
        await this.ctx.store.updateTrial(job.trialId, { status: "failed", reason, finishedAt: new Date() }).catch(() => {});
      }
      await this.ctx.queue.fail(job.id);
    } finally {
      clearInterval(timer);
    }
    return true;
  }

  private async execute(job: Job, beat: () => Promise<boolean>) {
    if (job.kind !== "trial" || !job.trialId) throw new Error(`unknown job kind ${job.kind}`);
    const trial = await this.ctx.store.getTrial(job.trialId);
    if (!trial) return; // its run was deleted
    // a job taken back from a worker that died after finishing its trial: the trial's result stands
    if (trial.status !== "queued" && trial.status !== "running") return;
    await this.ctx.store.updateRun(trial.runId, { backend: this.backend }).catch(() => {});
    this.log(`trial #${trial.number} of run ${trial.runId} (${trial.family})`);
    if (trial.family === ENSEMBLE_FAMILY) await buildEnsembleTrial(this.ctx, trial, { backend: this.backend, onBeat: beat });
    else await trainTrial(this.ctx, trial, { backend: this.backend, attempt: job.attempts, onBeat: beat });
  }
}
