import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Suggest } from "../space/suggest";
import { MemoryTrialStore } from "../store/memory-trial-store";
import { Study, type Proposal } from "../study";
import { createGpStrategy } from "./gp";
import { createRandomStrategy } from "./random";
import type { PendingTrial, SampleContext, Strategy } from "./strategy";
import { strategyContract } from "./strategy.contract";

strategyContract("gp", () => createGpStrategy());

const braninSpace = (s: Suggest) => ({ x1: s.float("x1", -5, 10), x2: s.float("x2", 0, 15) });
const branin = (p: Proposal["params"]) => {
  const [x1, x2] = [p.x1 as number, p.x2 as number];
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
};

/** runs `total` Branin trials batch by batch and returns the best value and every proposal */
async function minimiseBranin(strategy: Strategy, seed: number, total: number, batchSize: number) {
  const study = new Study({ studyId: "branin", strategy, direction: "minimize", seed, store: new MemoryTrialStore(), batchSize });
  const proposals: Proposal[] = [];
  for (let start = 0; start < total; start += batchSize) {
    const batch: Proposal[] = [];
    for (let n = start; n < Math.min(total, start + batchSize); n++) batch.push((await study.ask(n, braninSpace))!);
    for (const p of batch) await study.tell(p.number, branin(p.params));
    proposals.push(...batch);
  }
  return { best: (await study.best())!.value as number, proposals };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

describe("gp strategy", () => {
  it("beats random search on Branin (median best of 5 seeds, 40 evaluations)", async () => {
    const seeds = [1, 2, 3, 4, 5];
    const gp = await Promise.all(seeds.map(async (s) => (await minimiseBranin(createGpStrategy(), s, 40, 1)).best));
    const random = await Promise.all(seeds.map(async (s) => (await minimiseBranin(createRandomStrategy(), s, 40, 1)).best));
    expect(median(gp)).toBeLessThan(median(random));
    expect(median(gp)).toBeLessThan(1); // the global minimum is 0.398
  }, 60_000);

  it("spreads the proposals of one batch (pending trials as a constant liar)", async () => {
    const { proposals } = await minimiseBranin(createGpStrategy(), 7, 24, 4);
    for (let start = 12; start < 24; start += 4) {
      const batch = proposals.slice(start, start + 4).map((p) => `${p.params.x1},${p.params.x2}`);
      expect(new Set(batch).size).toBe(4);
    }
  }, 60_000);

  it("moves away from a pending trial that sits where it would otherwise propose", async () => {
    const { proposals } = await minimiseBranin(createRandomStrategy(), 11, 12, 1);
    const history = proposals.map((p) => ({ ...p, value: branin(p.params), state: "complete" as const }));
    const propose = (pending: PendingTrial[]) => {
      const strategy = createGpStrategy();
      const ctx: SampleContext = { history, pending, trialNumber: 12, rng: createRng(99), direction: "minimize" };
      strategy.beforeTrial?.(ctx);
      const dists = proposals[0].distributions;
      return { number: 12, params: { x1: strategy.sample(ctx, "x1", dists.x1), x2: strategy.sample(ctx, "x2", dists.x2) }, distributions: dists };
    };
    const alone = propose([]);
    expect(propose([])).toEqual(alone); // same seed, same point: only the pending trial can move it
    const next = propose([alone]);
    const distance = Math.hypot((next.params.x1 as number) - (alone.params.x1 as number), (next.params.x2 as number) - (alone.params.x2 as number));
    expect(distance).toBeGreaterThan(0.1);
  });

  it("falls back to random for a name the model has never seen", async () => {
    const strategy = createGpStrategy({ nStartup: 2 });
    const study = new Study({ studyId: "s", strategy, direction: "maximize", seed: 3, store: new MemoryTrialStore(), batchSize: 1 });
    for (let n = 0; n < 4; n++) await study.tell((await study.ask(n, (s) => s.float("a", 0, 1)))!.number, n);
    const p = await study.ask(4, (s) => ({ a: s.float("a", 0, 1), b: s.int("b", 1, 9) }));
    expect(p!.params.b).toBeGreaterThanOrEqual(1);
  });

  it("rejects unknown options", () => {
    expect(() => createGpStrategy({ nStartup: 1 })).toThrow();
    expect(() => createGpStrategy({ bogus: 1 })).toThrow();
  });
});
