/**
 * The Store's deployments (real-time predictions), on SQLite and PostgreSQL (a fresh database per test), in the
 * pattern of db.contract.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb, type Db } from "./client";
import type { Provider } from "./migrator";
import type { Store } from "./store";
import { createTestDatabase, describeEachProvider, type TestDatabase } from "./testing/databases";

const tick = () => new Promise((r) => setTimeout(r, 15));

describeEachProvider("Store deployments contract", (provider: Provider) => {
  let t: TestDatabase;
  let db: Db;
  let store: Store;
  const others: Db[] = [];

  beforeEach(async () => {
    db = undefined as unknown as Db;
    t = await createTestDatabase(provider);
    db = await openDb({ databaseUrl: t.url });
    store = db.store;
    await store.createDataset({ id: "d1", name: "a.csv", sizeBytes: 1, rowCount: 1, columnCount: 2, sha256: "x", columns: [] });
    for (const run of ["r1", "r2"]) {
      await store.createRun({ id: run, datasetId: "d1", label: "y", problemType: "binary", metric: "auc", strategy: "tpe", scheduler: "none", seed: 0, maxTrials: 2, budgetSeconds: null, spaceVersion: "v1" });
      for (const n of [0, 1]) await store.createTrial({ id: `${run}-t${n}`, runId: run, number: n, family: "gbdt", params: {}, spaceVersion: "v1" });
    }
  });

  afterEach(async () => {
    try {
      for (const o of others.splice(0)) await o.close();
      await db?.close();
    } finally {
      await t?.drop();
    }
  });

  describe("deployments", () => {
    it("creates, finds by id and by trial, lists per run oldest first, and deletes", async () => {
      const a = await store.createDeployment({ id: "m1", trialId: "r1-t0", runId: "r1" });
      expect(a).toEqual({ id: "m1", trialId: "r1-t0", runId: "r1", createdAt: expect.any(Date) });
      await tick();
      await store.createDeployment({ id: "m2", trialId: "r1-t1", runId: "r1" });
      await store.createDeployment({ id: "m3", trialId: "r2-t0", runId: "r2" });

      expect(await store.getDeployment("m1")).toEqual(a);
      expect(await store.getDeploymentOfTrial("r1-t0")).toEqual(a);
      expect(await store.getDeployment("nope")).toBeNull();
      expect(await store.getDeploymentOfTrial("r2-t1")).toBeNull();
      expect((await store.listDeployments({ runId: "r1" })).map((d) => d.id)).toEqual(["m1", "m2"]);
      expect((await store.listDeployments()).map((d) => d.id).sort()).toEqual(["m1", "m2", "m3"]);

      expect(await store.deleteDeployment("m1")).toBe(true);
      expect(await store.deleteDeployment("m1")).toBe(false); // twice is harmless
      expect(await store.getDeployment("m1")).toBeNull();
      expect((await store.listDeployments({ runId: "r1" })).map((d) => d.id)).toEqual(["m2"]);
    });

    it("keeps one deployment per trial: deploying again returns the first", async () => {
      const first = await store.createDeployment({ id: "m1", trialId: "r1-t0", runId: "r1" });
      expect(await store.createDeployment({ id: "m2", trialId: "r1-t0", runId: "r1" })).toEqual(first);
      expect((await store.listDeployments()).map((d) => d.id)).toEqual(["m1"]);
    });

    it("lets one of many concurrent deployments of a trial win, across two connections, and all get it", async () => {
      const other = await openDb({ databaseUrl: t.url });
      others.push(other);
      const got = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? store : other.store).createDeployment({ id: `m${i}`, trialId: "r1-t0", runId: "r1" })),
      );
      const ids = new Set(got.map((d) => d.id));
      expect(ids.size).toBe(1);
      expect((await store.listDeployments()).map((d) => d.id)).toEqual([...ids]);
    });

    it("refuses a deployment of a trial that does not exist", async () => {
      await expect(store.createDeployment({ id: "m1", trialId: "nope", runId: "r1" })).rejects.toThrow();
    });

    it("goes with its trial, its run and its dataset", async () => {
      await store.createDeployment({ id: "m1", trialId: "r1-t0", runId: "r1" });
      await store.createDeployment({ id: "m2", trialId: "r1-t1", runId: "r1" });
      await store.createDeployment({ id: "m3", trialId: "r2-t0", runId: "r2" });
      await store.deleteTrial("r1-t0");
      expect((await store.listDeployments()).map((d) => d.id).sort()).toEqual(["m2", "m3"]);
      await store.deleteRun("r1");
      expect((await store.listDeployments()).map((d) => d.id)).toEqual(["m3"]);
      await store.deleteDataset("d1");
      expect(await store.listDeployments()).toEqual([]);
    });
  });
});
