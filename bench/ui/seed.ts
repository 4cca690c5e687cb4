/**
 * A finished run with many candidates, written through the real store (bulk inserts in batches): what bench:ui and
 * e2e/leaderboard.spec.ts measure and check the leaderboard against. Deterministic for a given seed, so a spec can
 * compute the expected order and counts from the same rows.
 */
import { randomUUID } from "node:crypto";
import type { CurvePointRow, NewTrial, Store, TrialResult, TrialRow, TrialStatus } from "../../server/db/store";
import { keepRunInsight } from "../../server/jobs/run-insight";

/** a generated candidate: what the store imports, with the fields a check reads always set */
export type SeedTrial = NewTrial &
  TrialResult &
  Pick<TrialRow, "status" | "reason" | "valScore" | "testScore" | "archiveBytes" | "paramCount" | "trainSeconds" | "predictMsPer1k" | "infeasibleReason"> & { curve: CurvePointRow[] };

export interface SeedOptions {
  trials: number;
  /** learning-curve points per candidate (100 × 10,000 candidates = a million) */
  pointsPerTrial: number;
  seed?: number;
  /** the run's archive-size limit: candidates over it are infeasible */
  maxArchiveBytes?: number;
}

export const SEED_FAMILIES = ["gbdt", "linear", "forest", "mlp"] as const;
export const DEFAULT_ARCHIVE_LIMIT = 2_000_000;

/** mulberry32: a small seeded generator, enough for test data */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES: [TrialStatus, number][] = [
  ["done", 0.86],
  ["stopped", 0.04],
  ["pruned", 0.05],
  ["failed", 0.05],
];

function pickStatus(u: number): TrialStatus {
  let acc = 0;
  for (const [status, share] of STATUSES) if (u < (acc += share)) return status;
  return "done";
}

/** The candidates of one run (AUC, higher is better), their costs and curves; pure. */
export function generateTrials(runId: string, opts: SeedOptions): SeedTrial[] {
  const rand = generator(opts.seed ?? 0);
  const limit = opts.maxArchiveBytes ?? DEFAULT_ARCHIVE_LIMIT;
  const finishedAt = new Date(Date.UTC(2026, 0, 1));
  return Array.from({ length: opts.trials }, (_, number) => {
    const family = SEED_FAMILIES[Math.floor(rand() * SEED_FAMILIES.length)];
    const status = pickStatus(rand());
    const scored = status !== "failed";
    // rounded to 4 decimals: ties in score happen, as in real runs, and the tie-break (trial number) is exercised
    const valScore = scored ? Math.round((0.6 + 0.35 * rand()) * 1e4) / 1e4 : null;
    const archiveBytes = scored ? Math.round(20_000 + rand() * 4_000_000) : null;
    const paramCount = scored ? Math.round(100 + rand() * 1_000_000) : null;
    const trainSeconds = scored ? Math.round(rand() * 600 * 100) / 100 : null;
    const predictMsPer1k = scored ? Math.round(rand() * 500 * 100) / 100 : null;
    const curve: CurvePointRow[] = Array.from({ length: opts.pointsPerTrial }, (_, epoch) => {
      const progress = (epoch + 1) / opts.pointsPerTrial;
      return { epoch, trainLoss: 0.7 - 0.4 * progress, valLoss: 0.72 - 0.35 * progress, trainMetric: 0.5 + 0.45 * progress, valMetric: 0.5 + 0.4 * progress, seconds: progress * (trainSeconds ?? 1) };
    });
    return {
      id: randomUUID(),
      runId,
      number,
      family,
      params: { learning_rate: Math.round(rand() * 1e4) / 1e4, depth: 1 + Math.floor(rand() * 10), regularization: rand() < 0.5 ? "l1" : "l2" },
      spaceVersion: "seed",
      status,
      reason: status === "failed" ? "seeded failure" : status === "pruned" ? "pruned at rung 1" : null,
      valScore,
      testScore: valScore === null ? null : Math.round((valScore - 0.02 + 0.04 * rand()) * 1e4) / 1e4,
      valScoreSe: valScore === null ? null : 0.01,
      testScoreSe: valScore === null ? null : 0.012,
      epochs: opts.pointsPerTrial,
      bestEpoch: opts.pointsPerTrial - 1,
      paramCount,
      archiveBytes,
      trainSeconds,
      predictMsPer1k,
      startedAt: finishedAt,
      finishedAt,
      infeasibleReason: archiveBytes !== null && archiveBytes > limit ? `archive ${(archiveBytes / 1e6).toFixed(1)} MB is over the ${(limit / 1e6).toFixed(1)} MB limit` : null,
      curve,
    };
  });
}

/** Writes a dataset and a completed run with the generated candidates; returns the ids and the rows written. */
export async function seedRun(store: Store, opts: SeedOptions): Promise<{ datasetId: string; runId: string; trials: SeedTrial[] }> {
  const dataset = await store.createDataset({
    id: randomUUID(),
    name: `seeded-${opts.trials}.csv`,
    sizeBytes: 0,
    rowCount: 1000,
    columnCount: 2,
    sha256: randomUUID(),
    columns: [
      { name: "x", type: "numeric", reason: "seeded", missing: 0, distinct: 1000, stats: null, histogram: null, topValues: null },
      { name: "y", type: "categorical", reason: "seeded", missing: 0, distinct: 2, stats: null, histogram: null, topValues: null },
    ],
  });
  const run = await store.createRun({
    id: randomUUID(),
    datasetId: dataset.id,
    label: "y",
    problemType: "binary",
    metric: "auc",
    strategy: "random",
    scheduler: "none",
    seed: opts.seed ?? 0,
    maxTrials: opts.trials,
    budgetSeconds: null,
    spaceVersion: "seed",
    families: [...SEED_FAMILIES],
    maxArchiveBytes: opts.maxArchiveBytes ?? DEFAULT_ARCHIVE_LIMIT,
  });
  // finished at once: a running studio's coordinator may see the queued run first and fail it (it has no data to train
  // on); its failure is a conditional transition, so it cannot undo this, and this clears what it may have written
  const finished = new Date();
  const completed = await store.updateRun(run.id, { status: "completed", error: null, startedAt: finished, finishedAt: finished, elapsedSeconds: 3600, backend: "seeded" });
  const trials = generateTrials(run.id, opts);
  await store.importTrials(trials);
  // what the coordinator does as a run finishes
  await keepRunInsight(store, completed);
  return { datasetId: dataset.id, runId: run.id, trials };
}
