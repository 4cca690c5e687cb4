/**
 * The contract every Store and JobQueue implementation passes, run against PrismaStore/PrismaQueue on SQLite and on
 * PostgreSQL (a fresh database per test).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobQueue } from "../jobs/queue";
import { openDb, type Db } from "./client";
import type { Provider } from "./migrator";
import type { ColumnProfile } from "../contracts/dataset";
import type { NewRun, NewTrial, Store } from "./store";
import { createTestDatabase, describeEachProvider, type TestDatabase } from "./testing/databases";

const columns: ColumnProfile[] = [
  { name: "age", type: "numeric", reason: "all values are numbers", missing: 1, distinct: 40, stats: { min: 1, max: 90, mean: 40.5, std: 12.25 }, histogram: { edges: [0, 45, 90], counts: [10, 30] }, topValues: null },
  { name: "city", type: "categorical", reason: "few distinct values", missing: 0, distinct: 2, stats: null, histogram: null, topValues: [{ value: "Oslo", count: 3 }] },
] as unknown as ColumnProfile[];

function newRun(id: string, datasetId: string, extra: Partial<NewRun> = {}): NewRun {
  return { id, datasetId, label: `run ${id}`, problemType: "binary", metric: "auc", strategy: "tpe", scheduler: "hyperband", seed: 7, maxTrials: 20, budgetSeconds: null, spaceVersion: "v1", ...extra };
}

function newTrial(id: string, runId: string, number: number): NewTrial {
  return { id, runId, number, family: "tfjs-mlp", params: { layers: 2, lr: 0.001, activation: "relu", batchNorm: true }, spaceVersion: "v1" };
}

const tick = () => new Promise((r) => setTimeout(r, 15));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** heartbeats older than this are stale in the reaper test; wide, so that a slow machine does not make it flaky */
const STALE_MS = 250;

describeEachProvider("Store and JobQueue contract", (provider: Provider) => {
  let t: TestDatabase;
  let db: Db;
  let store: Store;
  let queue: JobQueue;
  const others: Db[] = [];

  beforeEach(async () => {
    db = undefined as unknown as Db;
    t = await createTestDatabase(provider);
    db = await openDb({ databaseUrl: t.url });
    store = db.store;
    queue = db.queue;
    await store.createDataset({ id: "d1", name: "iris.csv", sizeBytes: 4551, rowCount: 150, columnCount: 5, sha256: "ab".repeat(32), columns });
    await store.createRun(newRun("r1", "d1"));
  });

  afterEach(async () => {
    try {
      for (const o of others.splice(0)) await o.close();
      await db?.close();
    } finally {
      await t?.drop();
    }
  });

  async function second(): Promise<Db> {
    const o = await openDb({ databaseUrl: t.url });
    others.push(o);
    return o;
  }

  describe("datasets", () => {
    it("round-trips a dataset with its column profiles", async () => {
      const d = await store.getDataset("d1");
      expect(d).toMatchObject({ id: "d1", name: "iris.csv", sizeBytes: 4551, rowCount: 150, columnCount: 5, sha256: "ab".repeat(32) });
      expect(d!.columns).toEqual(columns);
      expect(d!.createdAt).toBeInstanceOf(Date);
      expect(await store.getDataset("nope")).toBeNull();
    });

    it("lists the newest first and deletes", async () => {
      await tick();
      await store.createDataset({ id: "d2", name: "b.csv", sizeBytes: 1, rowCount: 1, columnCount: 1, sha256: "x", columns: [] });
      expect((await store.listDatasets()).map((d) => d.id)).toEqual(["d2", "d1"]);
      await store.deleteDataset("d2");
      await store.deleteDataset("d2"); // deleting twice is harmless
      expect((await store.listDatasets()).map((d) => d.id)).toEqual(["d1"]);
    });

    it("cascades a dataset delete to runs, trials, curves and jobs", async () => {
      await store.createTrial(newTrial("t1", "r1", 1));
      await store.addCurvePoints("t1", [{ epoch: 1, trainLoss: 1, valLoss: 1, trainMetric: null, valMetric: null, seconds: 0.1 }]);
      await queue.enqueue({ id: "j1", runId: "r1", trialId: "t1", kind: "trial", payload: {} });
      await store.deleteDataset("d1");
      expect(await store.getRun("r1")).toBeNull();
      expect(await store.getTrial("t1")).toBeNull();
      expect(await store.listCurve("t1")).toEqual([]);
      expect(await queue.pending("r1")).toBe(0);
      expect(await queue.claim("w")).toBeNull();
    });
  });

  describe("runs", () => {
    it("creates a run with the schema's defaults", async () => {
      const r = await store.getRun("r1");
      expect(r).toMatchObject({ ...newRun("r1", "d1"), status: "queued", error: null, backend: null, searchState: null, bestTrialId: null, startedAt: null, finishedAt: null, elapsedSeconds: 0 });
      expect(r!.createdAt).toBeInstanceOf(Date);
      expect(r!.columnTypes).toBeNull();
    });

    it("stores the user's column type overrides as Json", async () => {
      const overrides = { age: "categorical", city: "text" } as const;
      expect((await store.createRun(newRun("r9", "d1", { columnTypes: overrides }))).columnTypes).toEqual(overrides);
      expect((await store.getRun("r9"))!.columnTypes).toEqual(overrides);
      expect((await store.updateRun("r9", { columnTypes: null })).columnTypes).toBeNull();
    });

    it("updates fields, Json state included, and clears them with null", async () => {
      const started = new Date("2026-01-02T03:04:05.678Z");
      const state = { tpe: { observations: [[0.1, 0.9]], seed: 3 }, note: "ok" };
      const r = await store.updateRun("r1", { status: "running", startedAt: started, searchState: state, elapsedSeconds: 12.5, backend: "wasm" });
      expect(r).toMatchObject({ status: "running", startedAt: started, searchState: state, elapsedSeconds: 12.5, backend: "wasm", label: "run r1" });
      const cleared = await store.updateRun("r1", { searchState: null, backend: null });
      expect(cleared.searchState).toBeNull();
      expect(cleared.backend).toBeNull();
      expect(cleared.startedAt).toEqual(started); // untouched
      await expect(store.updateRun("missing", { status: "failed" })).rejects.toThrow();
    });

    it("filters by dataset and status", async () => {
      await store.createDataset({ id: "d2", name: "b.csv", sizeBytes: 1, rowCount: 1, columnCount: 1, sha256: "x", columns: [] });
      await store.createRun(newRun("r2", "d2"));
      await store.createRun(newRun("r3", "d1"));
      await store.updateRun("r3", { status: "completed" });
      expect((await store.listRuns({ datasetId: "d1" })).map((r) => r.id).sort()).toEqual(["r1", "r3"]);
      expect((await store.listRuns({ statuses: ["queued"] })).map((r) => r.id).sort()).toEqual(["r1", "r2"]);
      expect((await store.listRuns({ datasetId: "d1", statuses: ["completed", "failed"] })).map((r) => r.id)).toEqual(["r3"]);
      expect(await store.listRuns({ statuses: [] })).toEqual([]);
      expect(await store.listRuns()).toHaveLength(3);
    });

    it("transitions only from the given statuses", async () => {
      expect(await store.transitionRun("r1", ["running"], { status: "completed" })).toBe(false);
      expect(await store.transitionRun("r1", ["queued"], { status: "running", startedAt: new Date() })).toBe(true);
      expect(await store.transitionRun("r1", ["queued"], { status: "running" })).toBe(false);
      expect(await store.transitionRun("r1", ["running", "cancelling"], { status: "cancelled", searchState: { a: 1 } })).toBe(true);
      expect((await store.getRun("r1"))!).toMatchObject({ status: "cancelled", searchState: { a: 1 } });
      expect(await store.transitionRun("missing", ["queued"], { status: "running" })).toBe(false);
    });

    it("lets exactly one of many concurrent transitions win, across two connections", async () => {
      const other = (await second()).store;
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).transitionRun("r1", ["queued"], { status: "running", backend: `w${i}` })));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("cascades a run delete to trials, curves and jobs", async () => {
      await store.createTrial(newTrial("t1", "r1", 1));
      await store.addCurvePoints("t1", [{ epoch: 1, trainLoss: 1, valLoss: 1, trainMetric: 0.5, valMetric: 0.5, seconds: 0.1 }]);
      await queue.enqueue({ id: "j1", runId: "r1", trialId: "t1", kind: "trial", payload: {} });
      await store.deleteRun("r1");
      expect(await store.getRun("r1")).toBeNull();
      expect(await store.getTrial("t1")).toBeNull();
      expect(await store.listCurve("t1")).toEqual([]);
      expect(await queue.pending("r1")).toBe(0);
      expect(await store.getDataset("d1")).not.toBeNull();
    });
  });

  describe("trials", () => {
    it("creates, lists by number, and refuses a duplicate number in a run", async () => {
      await store.createTrial(newTrial("t2", "r1", 2));
      const t1 = await store.createTrial(newTrial("t1", "r1", 1));
      expect(t1).toMatchObject({ ...newTrial("t1", "r1", 1), status: "queued", attempts: 0, valScore: null, valMetrics: null, reason: null });
      expect(t1.updatedAt).toBeInstanceOf(Date);
      expect((await store.listTrials("r1")).map((t) => t.number)).toEqual([1, 2]);
      await expect(store.createTrial(newTrial("t3", "r1", 2))).rejects.toThrow();
    });

    it("records results and transitions conditionally", async () => {
      await store.createTrial(newTrial("t1", "r1", 1));
      const finished = new Date("2026-03-04T05:06:07.089Z");
      expect(await store.transitionTrial("t1", ["running"], { status: "done" })).toBe(false);
      expect(await store.transitionTrial("t1", ["queued"], { status: "running", attempts: 1 })).toBe(true);
      const t = await store.updateTrial("t1", { status: "done", valScore: 0.91, testScore: 0.89, valMetrics: { auc: 0.91, logloss: 0.3 }, testMetrics: { auc: 0.89 }, epochs: 12, bestEpoch: 9, paramCount: 12345, archiveBytes: 67890, trainSeconds: 3.5, predictMsPer1k: 0.25, finishedAt: finished, reason: "early stopping" });
      expect(t).toMatchObject({ status: "done", attempts: 1, valScore: 0.91, valMetrics: { auc: 0.91, logloss: 0.3 }, testMetrics: { auc: 0.89 }, epochs: 12, bestEpoch: 9, finishedAt: finished, reason: "early stopping" });
      const cleared = await store.updateTrial("t1", { valMetrics: null });
      expect(cleared.valMetrics).toBeNull();
      expect(cleared.testMetrics).toEqual({ auc: 0.89 });
    });

    it("lists the trials changed since an instant", async () => {
      await store.createTrial(newTrial("t1", "r1", 1));
      await store.createTrial(newTrial("t2", "r1", 2));
      await tick();
      const since = new Date();
      await tick();
      expect(await store.listTrialsUpdatedSince("r1", since)).toEqual([]);
      await store.updateTrial("t2", { epochs: 1 });
      expect((await store.listTrialsUpdatedSince("r1", since)).map((t) => t.id)).toEqual(["t2"]);
      await store.transitionTrial("t1", ["queued"], { status: "running" });
      expect((await store.listTrialsUpdatedSince("r1", since)).map((t) => t.id)).toEqual(["t1", "t2"]);
    });

    it("deletes a trial with its learning curve, and frees its number", async () => {
      await store.createTrial(newTrial("t1", "r1", 1));
      await store.createTrial(newTrial("t2", "r1", 2));
      await store.addCurvePoints("t2", [{ epoch: 1, trainLoss: 0.9, valLoss: 1.0, trainMetric: null, valMetric: null, seconds: 1 }]);
      await store.deleteTrial("t2");
      expect(await store.getTrial("t2")).toBeNull();
      expect(await store.listCurve("t2")).toEqual([]);
      expect((await store.listTrials("r1")).map((t) => t.id)).toEqual(["t1"]);
      await store.createTrial(newTrial("t3", "r1", 2));
      expect((await store.listTrials("r1")).map((t) => t.number)).toEqual([1, 2]);
    });
  });

  describe("learning curves", () => {
    it("adds in batches, replaces a re-reported epoch (within a batch too), lists in order, and clears", async () => {
      await store.createTrial(newTrial("t1", "r1", 1));
      await store.addCurvePoints("t1", [
        { epoch: 2, trainLoss: 0.5, valLoss: 0.6, trainMetric: 0.8, valMetric: 0.7, seconds: 2 },
        { epoch: 1, trainLoss: 0.9, valLoss: 1.0, trainMetric: null, valMetric: null, seconds: 1 },
      ]);
      await store.addCurvePoints("t1", [
        { epoch: 3, trainLoss: 0.3, valLoss: 0.5, trainMetric: 0.9, valMetric: 0.8, seconds: 3 },
        { epoch: 2, trainLoss: 0.4, valLoss: 0.55, trainMetric: 0.85, valMetric: 0.75, seconds: 2.1 },
        { epoch: 3, trainLoss: 0.2, valLoss: 0.45, trainMetric: 0.95, valMetric: 0.85, seconds: 3.1 },
      ]);
      await store.addCurvePoints("t1", []);
      expect(await store.listCurve("t1")).toEqual([
        { epoch: 1, trainLoss: 0.9, valLoss: 1.0, trainMetric: null, valMetric: null, seconds: 1 },
        { epoch: 2, trainLoss: 0.4, valLoss: 0.55, trainMetric: 0.85, valMetric: 0.75, seconds: 2.1 },
        { epoch: 3, trainLoss: 0.2, valLoss: 0.45, trainMetric: 0.95, valMetric: 0.85, seconds: 3.1 },
      ]);
      // thousands of points in one call: more than one INSERT's worth of bound values
      const many = Array.from({ length: 5000 }, (_, i) => ({ epoch: i + 1, trainLoss: 1 / (i + 1), valLoss: 1, trainMetric: null, valMetric: null, seconds: i }));
      await store.addCurvePoints("t1", many);
      const listed = await store.listCurve("t1");
      expect(listed).toHaveLength(5000);
      expect(listed[4999]).toEqual(many[4999]);
      await store.clearCurve("t1");
      expect(await store.listCurve("t1")).toEqual([]);
    });
  });

  describe("job queue", () => {
    it("claims oldest first, once, counting attempts", async () => {
      await queue.enqueue({ id: "j1", runId: "r1", trialId: null, kind: "trial", payload: { x: 1 } });
      await tick();
      await queue.enqueue({ id: "j2", runId: "r1", trialId: null, kind: "trial", payload: [1, "a"] });
      expect(await queue.pending("r1")).toBe(2);
      expect(await queue.claim("w1")).toEqual({ id: "j1", runId: "r1", trialId: null, kind: "trial", payload: { x: 1 }, attempts: 1 });
      expect(await queue.claim("w2")).toMatchObject({ id: "j2", payload: [1, "a"], attempts: 1 });
      expect(await queue.claim("w3")).toBeNull();
      expect(await queue.pending("r1")).toBe(2);
      await queue.complete("j1");
      await queue.fail("j2");
      expect(await queue.pending("r1")).toBe(0);
    });

    it("says which trials have a queued or claimed job", async () => {
      for (const id of ["x1", "x2", "x3"]) await queue.enqueue({ id: `j-${id}`, runId: "r1", trialId: id, kind: "trial", payload: {} });
      await queue.claim("w1"); // x1: claimed
      const done = await queue.claim("w1");
      await queue.complete(done!.id); // x2: done
      expect(await queue.trialsWithJobs("r1")).toEqual(new Set(["x1", "x3"]));
      expect(await queue.trialsWithJobs("other")).toEqual(new Set());
    });

    it("hands a stale job back, then fails it after maxAttempts; a beating worker keeps its job", async () => {
      await queue.enqueue({ id: "j1", runId: "r1", trialId: "x1", kind: "trial", payload: {} });
      await tick();
      await queue.enqueue({ id: "j2", runId: "r1", trialId: "x2", kind: "trial", payload: {} });
      await queue.claim("dead");
      await queue.claim("alive");
      await sleep(STALE_MS + 100);
      expect(await queue.heartbeat("j2", "alive")).toBe(true);
      expect(await queue.heartbeat("j1", "someone-else")).toBe(false); // not its job: no effect
      const first = await queue.reapStale(STALE_MS, 2);
      expect(first.requeued.map((j) => j.id)).toEqual(["j1"]);
      expect(first.requeued[0]).toMatchObject({ trialId: "x1", attempts: 1 });
      expect(first.failed).toEqual([]);
      expect(await queue.pending("r1")).toBe(2);

      const again = await queue.claim("dead-again");
      expect(again).toMatchObject({ id: "j1", attempts: 2 });
      await sleep(STALE_MS + 100);
      await queue.heartbeat("j2", "alive");
      const second = await queue.reapStale(STALE_MS, 2);
      expect(second.requeued).toEqual([]);
      expect(second.failed.map((j) => j.id)).toEqual(["j1"]);
      expect(await queue.pending("r1")).toBe(1);
      expect(await queue.claim("w")).toBeNull();
    });

    it("releases the jobs of one worker that exited, at once, and leaves the others' alone", async () => {
      await queue.enqueue({ id: "j1", runId: "r1", trialId: "x1", kind: "trial", payload: {} });
      await tick();
      await queue.enqueue({ id: "j2", runId: "r1", trialId: "x2", kind: "trial", payload: {} });
      await queue.claim("exited");
      await queue.claim("running");
      const released = await queue.reapStale(0, 2, "exited");
      expect(released.requeued.map((j) => j.id)).toEqual(["j1"]);
      expect(await queue.heartbeat("j1", "exited")).toBe(false);
      expect(await queue.heartbeat("j2", "running")).toBe(true);
    });

    it("cancelRun drops a run's queued jobs and leaves claimed ones and other runs", async () => {
      await store.createRun(newRun("r2", "d1"));
      await queue.enqueue({ id: "j1", runId: "r1", trialId: null, kind: "trial", payload: {} });
      await tick();
      for (const id of ["j2", "j3"]) await queue.enqueue({ id, runId: "r1", trialId: null, kind: "trial", payload: {} });
      await queue.enqueue({ id: "k1", runId: "r2", trialId: null, kind: "trial", payload: {} });
      expect((await queue.claim("w"))!.id).toBe("j1");
      await queue.cancelRun("r1");
      expect(await queue.pending("r1")).toBe(1);
      expect(await queue.pending("r2")).toBe(1);
      expect((await queue.claim("w"))!.id).toBe("k1");
    });

    it("never gives the same job to two claimers on separate connections (100 jobs)", async () => {
      for (let i = 0; i < 100; i++) await queue.enqueue({ id: `j${String(i).padStart(3, "0")}`, runId: "r1", trialId: null, kind: "trial", payload: { i } });
      const other = (await second()).queue;
      const drain = async (q: JobQueue, worker: string) => {
        const got: string[] = [];
        for (;;) {
          const job = await q.claim(worker);
          if (!job) return got;
          expect(job.attempts).toBe(1);
          got.push(job.id);
        }
      };
      const [a, b, c, d] = await Promise.all([drain(queue, "a"), drain(other, "b"), drain(queue, "c"), drain(other, "d")]);
      const all = [...a!, ...b!, ...c!, ...d!];
      expect(all).toHaveLength(100);
      expect(new Set(all).size).toBe(100);
      expect(a!.length + c!.length).toBeGreaterThan(0);
      expect(b!.length + d!.length).toBeGreaterThan(0);
      expect(await queue.pending("r1")).toBe(100);
    });
  });
});
