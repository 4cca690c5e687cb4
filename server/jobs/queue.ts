/**
 * The work queue. Backed by the database (server/db/prisma-queue.ts) so that it survives restarts;
 * a later shared queue for workers on many machines implements the same interface.
 */
export interface Job {
  id: string;
  runId: string;
  trialId: string | null;
  kind: "trial";
  payload: unknown;
  attempts: number;
}

export interface JobQueue {
  enqueue(job: { id: string; runId: string; trialId: string | null; kind: Job["kind"]; payload: unknown }): Promise<void>;
  /** atomically claims the oldest queued job (no two workers ever get the same one); increments attempts */
  claim(workerId: string): Promise<Job | null>;
  /** records that the worker still holds the job; false when it no longer does (taken back as stale) */
  heartbeat(jobId: string, workerId: string): Promise<boolean>;
  complete(jobId: string): Promise<void>;
  fail(jobId: string): Promise<void>;
  /**
   * claimed jobs whose heartbeat is older than `staleMs` (of one worker, when `workerId` is given, e.g. one
   * that exited: then staleMs 0): returned to the queue when attempts < maxAttempts, else failed
   */
  reapStale(staleMs: number, maxAttempts: number, workerId?: string): Promise<{ requeued: Job[]; failed: Job[] }>;
  /** drops a run's queued jobs (cancel, delete) */
  cancelRun(runId: string): Promise<void>;
  /** number of queued + claimed jobs of a run */
  pending(runId: string): Promise<number>;
  /** the trials of a run that have a queued or claimed job */
  trialsWithJobs(runId: string): Promise<Set<string>>;
}
