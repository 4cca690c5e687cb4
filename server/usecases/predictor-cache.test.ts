import { describe, expect, it } from "vitest";
import type { ArchivePredictor } from "../export/archive-predictor";
import { PredictorCache, predictorCache } from "./predictor-cache";

/** a fake predictor that records its disposal */
function fake(dir: string) {
  const p = { dir, disposed: 0, dispose: () => void p.disposed++ };
  return p as unknown as ArchivePredictor & { dir: string; disposed: number };
}

/** a loader whose loads finish when the test says */
function gatedLoader() {
  const pending: Array<{ dir: string; resolve: (p: ArchivePredictor) => void; reject: (e: Error) => void }> = [];
  const loaded: Array<ReturnType<typeof fake>> = [];
  const load = (dir: string) =>
    new Promise<ArchivePredictor>((resolve, reject) => {
      pending.push({ dir, resolve, reject });
    });
  const finish = (i = 0) => {
    const [next] = pending.splice(i, 1);
    const p = fake(next.dir);
    loaded.push(p);
    next.resolve(p);
    return p;
  };
  return { load, pending, loaded, finish };
}

const immediate = () => {
  const loaded: Array<ReturnType<typeof fake>> = [];
  return {
    loaded,
    load: async (dir: string) => {
      const p = fake(dir);
      loaded.push(p);
      return p;
    },
  };
};

const dirOf = (key: string) => async () => `/archives/${key}`;
const flush = () => new Promise((r) => setTimeout(r, 0));

describe("PredictorCache", () => {
  it("loads once, then answers from memory synchronously", async () => {
    const { load, loaded } = immediate();
    const cache = new PredictorCache(2, load);
    expect(await cache.use("a", dirOf("a"), (p) => (p as unknown as { dir: string }).dir)).toBe("/archives/a");
    let called = false;
    const warm = cache.use("a", dirOf("a"), () => (called = true));
    // a hit calls back before the promise is even awaited: nothing else can run (and evict) in between
    expect(called).toBe(true);
    await warm;
    expect(cache.loads).toBe(1);
    expect(loaded).toHaveLength(1);
  });

  it("keeps the most recently used, disposing what it evicts", async () => {
    const { load, loaded } = immediate();
    const cache = new PredictorCache(2, load);
    await cache.use("a", dirOf("a"), () => 0);
    await cache.use("b", dirOf("b"), () => 0);
    await cache.use("a", dirOf("a"), () => 0); // a is now the most recent
    await cache.use("c", dirOf("c"), () => 0); // evicts b
    expect([cache.has("a"), cache.has("b"), cache.has("c")]).toEqual([true, false, true]);
    expect(loaded.map((p) => [p.dir, p.disposed])).toEqual([
      ["/archives/a", 0],
      ["/archives/b", 1],
      ["/archives/c", 0],
    ]);
    cache.evict("a");
    cache.evict("a"); // twice is harmless
    expect(loaded[0].disposed).toBe(1);
    cache.retain(["c", "zz"]);
    expect(cache.size).toBe(1);
    cache.clear();
    expect(loaded[2].disposed).toBe(1);
    expect(cache.size).toBe(0);
  });

  it("shares one load among concurrent first requests", async () => {
    const gate = gatedLoader();
    const cache = new PredictorCache(4, gate.load);
    const uses = [1, 2, 3].map((i) => cache.use("a", dirOf("a"), () => i));
    await flush();
    expect(gate.pending).toHaveLength(1);
    gate.finish();
    expect(await Promise.all(uses)).toEqual([1, 2, 3]);
    expect(cache.loads).toBe(1);
  });

  it("disposes a predictor evicted while loading only after its waiting requests used it", async () => {
    const gate = gatedLoader();
    const cache = new PredictorCache(4, gate.load);
    let disposedWhenUsed: number | null = null;
    const use = cache.use("a", dirOf("a"), (p) => (disposedWhenUsed = (p as unknown as { disposed: number }).disposed));
    await flush();
    cache.evict("a");
    expect(cache.has("a")).toBe(false);
    const p = gate.finish();
    await use;
    expect(disposedWhenUsed).toBe(0);
    expect(p.disposed).toBe(1);
  });

  it("answers the request that loaded a predictor pushed out meanwhile, then disposes it", async () => {
    const gate = gatedLoader();
    const cache = new PredictorCache(1, gate.load);
    const first = cache.use("a", dirOf("a"), () => "a");
    await flush();
    // a second key pushes "a" out of a cache of one while "a" still loads; its request still gets an answer
    const second = cache.use("b", dirOf("b"), () => "b");
    await flush();
    const a = gate.finish(0);
    const b = gate.finish(0);
    expect(await first).toBe("a");
    expect(await second).toBe("b");
    expect(a.disposed).toBe(1);
    expect(b.disposed).toBe(0);
    expect(cache.has("b")).toBe(true);
  });

  it("forgets a failed load, so the next request tries again", async () => {
    let fail = true;
    const cache = new PredictorCache(2, async (dir) => {
      if (fail) throw new Error("no archive");
      return fake(dir);
    });
    await expect(cache.use("a", dirOf("a"), () => 1)).rejects.toThrow("no archive");
    expect(cache.has("a")).toBe(false);
    fail = false;
    expect(await cache.use("a", dirOf("a"), () => 2)).toBe(2);
    expect(cache.loads).toBe(2);
  });

  it("is one per process", () => {
    expect(predictorCache()).toBe(predictorCache());
    expect(() => new PredictorCache(0)).toThrow();
  });
});
