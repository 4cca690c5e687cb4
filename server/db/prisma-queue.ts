/**
 * JobQueue on the Job table. Portable claiming (no SKIP LOCKED, no RETURNING): read the oldest queued id, then
 * `UPDATE ... WHERE id = ? AND status = 'queued'`; the row count says whether this worker won it. On PostgreSQL the
 * losing UPDATE re-checks the condition on the committed row and matches nothing; SQLite serialises writers.
 */
import { Prisma, type Job as JobModel } from "./generated/sqlite/client";
import type { Job, JobQueue } from "../jobs/queue";
import type { PrismaDb } from "./prisma-store";

/** claim attempts lost to other workers before giving up for this call (the caller polls again) */
const MAX_CLAIM_ROUNDS = 50;

function toJob(j: JobModel): Job {
  return { id: j.id, runId: j.runId, trialId: j.trialId, kind: j.kind as Job["kind"], payload: j.payload ?? null, attempts: j.attempts };
}

export class PrismaQueue implements JobQueue {
  constructor(private readonly prisma: PrismaDb) {}

  async enqueue(job: { id: string; runId: string; trialId: string | null; kind: Job["kind"]; payload: unknown }): Promise<void> {
    const payload = job.payload === undefined || job.payload === null ? Prisma.JsonNull : (job.payload as Prisma.InputJsonValue);
    await this.prisma.job.create({ data: { id: job.id, runId: job.runId, trialId: job.trialId, kind: job.kind, payload, status: "queued" } });
  }

  async claim(workerId: string): Promise<Job | null> {
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      // Among the few oldest, start from a random one so that concurrent claimers rarely collide.
      const oldest = await this.prisma.job.findMany({
        where: { status: "queued" },
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: { id: true },
        take: round === 0 ? 1 : 4,
      });
      if (oldest.length === 0) return null;
      const pick = oldest[round === 0 ? 0 : Math.floor(Math.random() * oldest.length)]!;
      const now = new Date();
      const { count } = await this.prisma.job.updateMany({
        where: { id: pick.id, status: "queued" },
        data: { status: "claimed", workerId, claimedAt: now, heartbeatAt: now, attempts: { increment: 1 } },
      });
      if (count === 1) {
        const row = await this.prisma.job.findUnique({ where: { id: pick.id } });
        if (row) return toJob(row); // (null only when its run was deleted meanwhile)
      }
    }
    return null;
  }

  async heartbeat(jobId: string, workerId: string): Promise<boolean> {
    const { count } = await this.prisma.job.updateMany({ where: { id: jobId, workerId, status: "claimed" }, data: { heartbeatAt: new Date() } });
    return count === 1;
  }

  async complete(jobId: string): Promise<void> {
    await this.prisma.job.updateMany({ where: { id: jobId, status: "claimed" }, data: { status: "done" } });
  }

  async fail(jobId: string): Promise<void> {
    await this.prisma.job.updateMany({ where: { id: jobId, status: "claimed" }, data: { status: "failed" } });
  }

  async reapStale(staleMs: number, maxAttempts: number, workerId?: string): Promise<{ requeued: Job[]; failed: Job[] }> {
    const cutoff = new Date(Date.now() - staleMs);
    const stale = await this.prisma.job.findMany({
      where: {
        status: "claimed",
        ...(workerId === undefined ? {} : { workerId }),
        // lte: a claim exactly staleMs old is stale (with staleMs 0, every claim is, even one made this millisecond)
        OR: [{ heartbeatAt: { lte: cutoff } }, { heartbeatAt: null, claimedAt: { lte: cutoff } }, { heartbeatAt: null, claimedAt: null }],
      },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const requeued: Job[] = [];
    const failed: Job[] = [];
    for (const job of stale) {
      const retry = job.attempts < maxAttempts;
      // conditional on the heartbeat we saw: a worker that beat meanwhile keeps its job
      const { count } = await this.prisma.job.updateMany({
        where: { id: job.id, status: "claimed", workerId: job.workerId, heartbeatAt: job.heartbeatAt },
        data: retry ? { status: "queued", workerId: null, heartbeatAt: null, claimedAt: null } : { status: "failed" },
      });
      if (count === 1) (retry ? requeued : failed).push(toJob(job));
    }
    return { requeued, failed };
  }

  async cancelRun(runId: string): Promise<void> {
    await this.prisma.job.deleteMany({ where: { runId, status: "queued" } });
  }

  async trialsWithJobs(runId: string): Promise<Set<string>> {
    const jobs = await this.prisma.job.findMany({ where: { runId, status: { in: ["queued", "claimed"] } }, select: { trialId: true } });
    return new Set(jobs.map((j) => j.trialId).filter((id): id is string => id !== null));
  }

  async pending(runId: string): Promise<number> {
    return this.prisma.job.count({ where: { runId, status: { in: ["queued", "claimed"] } } });
  }
}
