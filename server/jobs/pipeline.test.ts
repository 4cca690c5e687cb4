import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { loadConfig } from "../config";
import { createContext, type StudioContext } from "../context";
import { predictCsv } from "../export/predict";
import { initBackend } from "../models/backend";
import { keys } from "../storage/keys";
import { createRun } from "../usecases/create-run";
import { getTrialFeatures } from "../usecases/get-trial-features";
import { uploadDataset } from "../usecases/upload-dataset";
import { Coordinator } from "./coordinator";
import { Supervisor } from "./supervisor";
import { Worker } from "./worker";
import type { Provider } from "../db/migrator";
import { createTestDatabase, describeEachProvider, type TestDatabase } from "../db/testing/databases";

const CREDIT = path.resolve(__dirname, "../../../shared/datasets/credit-g.csv");
const open: StudioContext[] = [];

const dropped: TestDatabase[] = [];

async function studio(workers = 1, provider: Provider = "sqlite"): Promise<StudioContext> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pipeline-"));
  const db = await createTestDatabase(provider);
  dropped.push(db);
  const ctx = await createContext(loadConfig({ STUDIO_DATA_DIR: dir, STUDIO_WORKERS: String(workers), DATABASE_URL: provider === "sqlite" ? "" : db.url }));
  open.push(ctx);
  return ctx;
}

afterEach(async () => {
  for (const ctx of open.splice(0)) await ctx.close();
  for (const db of dropped.splice(0)) await db.drop();
});

async function startRun(ctx: StudioContext, maxTrials: number, seed = 0) {
  const dataset = await uploadDataset(ctx, { fileName: "credit-g.csv", body: createReadStream(CREDIT) });
  return createRun(ctx, { datasetId: dataset.id, label: "class", maxTrials, seed });
}

/** Drives the coordinator and in-process workers until the run ends (workers take turns, as processes would race). */
async function drive(ctx: StudioContext, runId: string, workerCount: number) {
  const backend = await initBackend();
  const coordinator = new Coordinator(ctx);
  const workers = Array.from({ length: workerCount }, (_, i) => new Worker(ctx, `test-${i}`, backend));
  for (let step = 0; step < 500; step++) {
    await coordinator.tick();
    const run = await ctx.store.getRun(runId);
    if (run && ["completed", "cancelled", "failed"].includes(run.status)) return run;
    await Promise.all(workers.map((w) => w.runOne()));
  }
  throw new Error("run did not finish");
}

const leaderboard = async (ctx: StudioContext, runId: string) =>
  (await ctx.store.listTrials(runId)).map((t) => ({ number: t.number, params: t.params, valScore: t.valScore, testScore: t.testScore, status: t.status }));

describeEachProvider("the search pipeline", (provider) => {
  it("runs a search to completion, keeps the best candidate, and its archive predicts", async () => {
    const ctx = await studio(1, provider);
    const created = await startRun(ctx, 3);
    const run = await drive(ctx, created.id, 1);
    expect(run.status).toBe("completed");
    const trials = await ctx.store.listTrials(run.id);
    expect(trials).toHaveLength(3);
    expect(trials.every((t) => t.status === "done" && t.valScore! > 0.6 && t.testScore! > 0.6)).toBe(true);
    const best = trials.find((t) => t.id === run.bestTrialId)!;
    expect(best.valScore).toBe(Math.max(...trials.map((t) => t.valScore!)));
    expect((await ctx.store.listCurve(best.id)).length).toBe(best.epochs);
    expect(best.paramCount).toBeGreaterThan(0);
    expect(best.archiveBytes).toBeGreaterThan(1000);
    // every candidate records the feature selection it chose (a searched hyperparameter), fitted on training rows
    for (const t of trials) {
      const features = await getTrialFeatures(ctx, t.id);
      expect(features.method).toBe(t.params.feature_selection);
      expect(features.of).toBe(86); // credit-g after one-hot encoding (with rare buckets)
      expect(features.kept).toBeGreaterThan(0);
      expect(features.kept).toBeLessThanOrEqual(features.of);
    }

    const csv = path.join(os.tmpdir(), `credit-new-${Date.now()}.csv`);
    const lines = (await fs.readFile(CREDIT, "utf8")).trim().split("\n").slice(0, 11);
    await fs.writeFile(csv, lines.map((l) => l.split(",").slice(0, -1).join(",")).join("\n"));
    const preds = (await predictCsv({ blobs: ctx.blobs, archiveKey: keys.trialArchive(run.id, best.id), csvPath: csv })).trim().split("\n");
    expect(preds[0]).toBe("prediction,proba_bad,proba_good");
    expect(preds).toHaveLength(11);
    for (const row of preds.slice(1)) {
      const [label, pBad, pGood] = row.split(",");
      expect(["good", "bad"]).toContain(label);
      expect(Number(pBad) + Number(pGood)).toBeCloseTo(1, 5);
    }
  });

  it.runIf(provider === "sqlite")("gives the same leaderboard for the same seed and trial budget, with one worker or two", async () => {
    const one = await studio(1);
    const two = await studio(2);
    const a = await startRun(one, 5, 7);
    const b = await startRun(two, 5, 7);
    await drive(one, a.id, 1);
    await drive(two, b.id, 2);
    const la = await leaderboard(one, a.id);
    expect(la).toHaveLength(5);
    expect(await leaderboard(two, b.id)).toEqual(la);
  });

  it("retries a trial whose worker is killed, and resumes after the whole supervisor dies", async () => {
    const ctx = await studio(1, provider);
    const created = await startRun(ctx, 3, 3);
    const first = new Supervisor(ctx, { log: () => {}, staleMs: 3_000 });
    first.start();
    // kill the worker as soon as a trial is running
    await until(async () => (await ctx.store.listTrials(created.id)).some((t) => t.status === "running"));
    for (const pid of first.workerPids()) process.kill(pid, "SIGKILL");
    // then the whole supervisor "crashes" after the first finished trial
    await until(async () => (await ctx.store.listTrials(created.id)).some((t) => t.status === "done"));
    const finishedBefore = (await ctx.store.listTrials(created.id)).filter((t) => t.status === "done");
    for (const pid of first.workerPids()) process.kill(pid, "SIGKILL");
    await first.stop();

    const second = new Supervisor(ctx, { log: () => {}, staleMs: 3_000 });
    second.start();
    await until(async () => (await ctx.store.getRun(created.id))?.status === "completed");
    await second.stop();
    const trials = await ctx.store.listTrials(created.id);
    expect(trials).toHaveLength(3);
    expect(trials.every((t) => t.status === "done")).toBe(true);
    // the trial that was running when its worker was killed ran again
    expect(trials.filter((t) => t.attempts === 2).length).toBeGreaterThanOrEqual(1);
    for (const before of finishedBefore) {
      const after = trials.find((t) => t.id === before.id)!;
      expect(after.valScore).toBe(before.valScore);
      expect(after.finishedAt).toEqual(before.finishedAt);
    }
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 240_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("timed out waiting");
}
