import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { StudioContext } from "../context";
import type { TrialStatus } from "../db/store";
import { Coordinator } from "./coordinator";

const here = path.dirname(fileURLToPath(import.meta.url));
const TICK_MS = 250;
/** a trial whose worker died is tried once more before it is marked failed */
const MAX_ATTEMPTS = 2;
const STILL_RUNNING: TrialStatus[] = ["queued", "running"];

export interface SupervisorOptions {
  log?: (msg: string) => void;
  /**
   * a claimed job whose worker has not beaten for this long is taken back: a worker of another supervisor
   * that crashed, or a hung one (this supervisor's own workers that exit are released at once)
   */
  staleMs?: number;
}

/**
 * Runs the coordinator loop and keeps `config.workers` worker processes alive, each with its own memory
 * limit. Used by `npm start` (beside the Next.js server) and by the CLI.
 */
export class Supervisor {
  private readonly workers = new Map<string, ChildProcess>();
  /** workers that exited, whose claimed jobs are released at the next tick */
  private readonly exited = new Set<string>();
  private generation = 0;
  private readonly coordinator: Coordinator;
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private stopped = false;

  private readonly log: (msg: string) => void;
  private readonly staleMs: number;

  constructor(
    private readonly ctx: StudioContext,
    options: SupervisorOptions = {},
  ) {
    this.log = options.log ?? ((m) => console.log(`[supervisor] ${m}`));
    this.staleMs = options.staleMs ?? 120_000;
    this.coordinator = new Coordinator(ctx, this.log);
  }

  /** the worker processes' ids (for tests that kill one) */
  workerPids(): number[] {
    return [...this.workers.values()].map((c) => c.pid).filter((p): p is number => p !== undefined);
  }

  start(): void {
    for (let i = 0; i < this.ctx.config.workers; i++) this.spawn(i);
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    void this.tick();
  }

  /** One coordination step (exposed for tests and the CLI). */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.reap();
      await this.coordinator.tick();
    } catch (err) {
      this.log(`tick failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      this.ticking = false;
    }
  }

  private async reap() {
    const released = [...this.exited].map((id) => {
      this.exited.delete(id);
      return this.ctx.queue.reapStale(0, MAX_ATTEMPTS, id);
    });
    const results = [...(await Promise.all(released)), await this.ctx.queue.reapStale(this.staleMs, MAX_ATTEMPTS)];
    const requeued = results.flatMap((r) => r.requeued);
    const failed = results.flatMap((r) => r.failed);
    for (const job of requeued) {
      if (!job.trialId) continue;
      // a worker killed between finishing its trial and completing its job leaves a finished trial: it stays
      // finished (the next worker to claim the job sees that and skips it)
      if (!(await this.ctx.store.transitionTrial(job.trialId, STILL_RUNNING, { status: "queued", reason: "its worker died; retried" }))) continue;
      this.log(`trial ${job.trialId}: its worker stopped answering; trying again`);
    }
    for (const job of failed) {
      if (!job.trialId) continue;
      await this.ctx.store.transitionTrial(job.trialId, STILL_RUNNING, {
        status: "failed",
        reason: `its worker died ${MAX_ATTEMPTS} times (killed, or out of memory: the limit is ${this.ctx.config.workerMemoryMb} MB per worker)`,
        finishedAt: new Date(),
      });
    }
  }

  private spawn(slot: number) {
    // a new id per process, so that a replacement never inherits the claims of the worker it replaces
    const id = `w${slot}-${process.pid}-${this.generation++}`;
    const child = fork(path.join(here, "worker-main.ts"), [], {
      execArgv: ["--import", "tsx", `--max-old-space-size=${this.ctx.config.workerMemoryMb}`],
      // workers open the same studio as this process, whatever its environment said
      env: {
        ...process.env,
        STUDIO_WORKER_ID: id,
        STUDIO_DATA_DIR: this.ctx.config.dataDir,
        DATABASE_URL: this.ctx.config.databaseUrl ?? "",
        ...(this.ctx.config.backend ? { TFJS_BACKEND: this.ctx.config.backend } : {}),
      },
      stdio: "inherit",
    });
    this.workers.set(id, child);
    child.on("exit", (code, signal) => {
      this.workers.delete(id);
      this.exited.add(id);
      if (this.stopped) return;
      this.log(`worker ${id} exited (${signal ?? code}); starting a new one`);
      setTimeout(() => !this.stopped && this.spawn(slot), 500);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    const alive = [...this.workers.values()].filter((c) => c.exitCode === null && c.signalCode === null);
    const exits = alive.map((c) => new Promise((r) => c.once("exit", r)));
    for (const c of alive) c.kill("SIGTERM");
    await Promise.all(exits);
    while (this.ticking) await new Promise((r) => setTimeout(r, 20));
    // what the stopped workers held goes back to the queue now, not after the stale timeout
    await this.reap();
  }
}
