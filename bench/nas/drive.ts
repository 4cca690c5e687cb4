/**
 * One benchmark run through the studio's real pipeline: a fresh embedded SQLite studio in a temporary folder, the
 * dataset uploaded, the run created as the API would, then the coordinator and one in-process worker taking turns
 * (as server/jobs/pipeline.test.ts drives them) until the run ends. The loop records when it first sees each trial
 * finished, which is finer than the database's timestamps (seconds, and written after the trial's last work).
 */
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import type { Metric } from "../../server/contracts/dataset";
import { FINISHED_RUN_STATUSES, type RunStatus } from "../../server/contracts/run";
import { loadConfig } from "../../server/config";
import { createContext, type StudioContext } from "../../server/context";
import type { TrialRow, TrialStatus } from "../../server/db/store";
import { Coordinator } from "../../server/jobs/coordinator";
import { Worker } from "../../server/jobs/worker";
import { createRun } from "../../server/usecases/create-run";
import { uploadDataset } from "../../server/usecases/upload-dataset";
import { CONFIGS, DATASET_DIR, DATASETS, STRATEGY, type ConfigName, type DatasetName } from "./setup";

const FINISHED_TRIAL: readonly TrialStatus[] = ["done", "stopped", "pruned", "failed", "cancelled"];
/**
 * A running run queues a trial on every tick, so the worker only finds the queue empty for a step or two (while the
 * run starts, or a scheduler decides a rung). This many empty steps in a row means the run is stuck: fail loudly
 * rather than spin for ever. It is not a cap on the run's length.
 */
const MAX_IDLE_STEPS = 100;

export interface TrialRecord {
  number: number;
  status: TrialStatus;
  valScore: number | null;
  testScore: number | null;
  trainSeconds: number | null;
  reason: string | null;
  /** seconds from the first coordinator tick until the bench loop first saw the trial finished */
  seenAt: number;
}

export interface RunRecord {
  dataset: DatasetName;
  config: ConfigName;
  estimation: string;
  scheduler: string;
  /** "not started": createRun refused the run (e.g. an estimation the family does not support) */
  status: RunStatus | "not started";
  error: string | null;
  metric: Metric | null;
  bestTrialNumber: number | null;
  seconds: number;
  trials: TrialRecord[];
}

export interface DriveOptions {
  trials: number;
  seed: number;
  backend: string;
  /** called once per trial, when the loop first sees it finished */
  onTrial(trial: TrialRecord): void;
}

export async function benchRun(dataset: DatasetName, config: ConfigName, options: DriveOptions): Promise<RunRecord> {
  const base = { dataset, config, ...CONFIGS[config], metric: null, bestTrialNumber: null, seconds: 0, trials: [] };
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-nas-"));
  const ctx = await createContext(loadConfig({ STUDIO_DATA_DIR: dir, STUDIO_WORKERS: "1", DATABASE_URL: "" }));
  try {
    const { file, label } = DATASETS[dataset];
    const uploaded = await uploadDataset(ctx, { fileName: file, body: createReadStream(path.join(DATASET_DIR, file)) });
    let runId: string;
    try {
      const { estimation, scheduler } = CONFIGS[config];
      runId = (await createRun(ctx, { datasetId: uploaded.id, label, maxTrials: options.trials, seed: options.seed, families: ["nas"], strategy: STRATEGY, estimation, scheduler })).id;
    } catch (err) {
      // only the run's refusal is recorded; anything else (a missing dataset, say) stops the bench
      return { ...base, status: "not started", error: describeError(err) };
    }
    return { ...base, ...(await drive(ctx, runId, options)) };
  } finally {
    await ctx.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

type Driven = Pick<RunRecord, "status" | "error" | "metric" | "bestTrialNumber" | "seconds" | "trials">;

async function drive(ctx: StudioContext, runId: string, options: DriveOptions): Promise<Driven> {
  const coordinator = new Coordinator(ctx);
  const worker = new Worker(ctx, "bench", options.backend);
  const seenAt = new Map<string, number>();
  const started = performance.now();
  const observe = async () => {
    for (const t of await ctx.store.listTrials(runId)) {
      if (!FINISHED_TRIAL.includes(t.status) || seenAt.has(t.id)) continue;
      seenAt.set(t.id, (performance.now() - started) / 1000);
      options.onTrial(toRecord(t, seenAt));
    }
  };
  for (let idle = 0; ; ) {
    await coordinator.tick();
    await observe();
    const run = await ctx.store.getRun(runId);
    if (!run) throw new Error(`run ${runId} disappeared`);
    if (FINISHED_RUN_STATUSES.includes(run.status)) {
      const seconds = (performance.now() - started) / 1000;
      // the trials as stored when the run ended, each with the time the loop first saw it finished
      const rows = await ctx.store.listTrials(runId);
      const bestTrialNumber = rows.find((t) => t.id === run.bestTrialId)?.number ?? null;
      const trials = rows.filter((t) => seenAt.has(t.id)).map((t) => toRecord(t, seenAt));
      return { status: run.status, error: run.error, metric: run.metric, bestTrialNumber, seconds, trials };
    }
    idle = (await worker.runOne()) ? 0 : idle + 1;
    if (idle >= MAX_IDLE_STEPS) throw new Error(`run ${runId} queued no work for ${MAX_IDLE_STEPS} coordinator ticks in a row`);
    await observe();
  }
}

function toRecord(t: TrialRow, seenAt: Map<string, number>): TrialRecord {
  return { number: t.number, status: t.status, valScore: t.valScore, testScore: t.testScore, trainSeconds: t.trainSeconds, reason: t.reason, seenAt: seenAt.get(t.id)! };
}

/** a zod refusal as its messages, not its JSON */
function describeError(err: unknown): string {
  if (err instanceof z.ZodError) return err.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ");
  return err instanceof Error ? err.message : String(err);
}
