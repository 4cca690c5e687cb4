import { describe, expect, it } from "vitest";
import type { Suggest } from "./space/suggest";
import { createRandomStrategy } from "./strategies/random";
import type { Strategy } from "./strategies/strategy";
import { MemoryTrialStore } from "./store/memory-trial-store";
import { Study, pendingTrials } from "./study";

const space = (s: Suggest) => s.float("x", 0, 1);
const proposal = (number: number) => ({ number, params: { x: number / 10 }, distributions: { x: { kind: "float" as const, low: 0, high: 1, log: false } } });

describe("pending trials", () => {
  it("are the proposals of the batch numbered below the trial, or null while one is missing", () => {
    const all = [0, 1, 2, 3, 4, 5].map(proposal);
    expect(pendingTrials(5, 4, all)!.map((p) => p.number)).toEqual([4]);
    expect(pendingTrials(4, 4, all)).toEqual([]);
    expect(pendingTrials(3, 0, all)!.map((p) => p.number)).toEqual([0, 1, 2]);
    expect(pendingTrials(7, 4, all)).toBeNull(); // trial 6 not proposed yet
  });

  it("reach the strategy, finished or not, and an out-of-order ask is not ready", async () => {
    const seen: number[][] = [];
    const random = createRandomStrategy();
    const spy: Strategy = { name: "spy", beforeTrial: (ctx) => void seen.push((ctx.pending ?? []).map((p) => p.number)), sample: random.sample };
    const study = new Study({ studyId: "s", strategy: spy, direction: "minimize", seed: 1, store: new MemoryTrialStore(), batchSize: 3 });
    await study.ask(0, space);
    expect(await study.ask(2, space)).toBeNull();
    await study.ask(1, space);
    await study.tell(0, 1); // finished, but its result is hidden from its own batch: still pending
    await study.ask(2, space);
    await study.tell(1, 1);
    await study.tell(2, 1);
    await study.ask(3, space);
    expect(seen).toEqual([[], [0], [0, 1], []]);
  });
});

describe("batches set by a scheduler", () => {
  const spyStudy = (options: { batchStart?: (n: number) => number; asynchronous?: boolean }) => {
    const seen: { history: number[]; pending: number[] }[] = [];
    const random = createRandomStrategy();
    const spy: Strategy = {
      name: "spy",
      beforeTrial: (ctx) => void seen.push({ history: ctx.history.map((t) => t.number), pending: (ctx.pending ?? []).map((p) => p.number) }),
      sample: random.sample,
    };
    return { seen, study: new Study({ studyId: "s", strategy: spy, direction: "minimize", seed: 1, store: new MemoryTrialStore(), batchSize: 4, ...options }) };
  };

  it("can be of any size: a Hyperband bracket is one batch", async () => {
    const { seen, study } = spyStudy({ batchStart: (n) => (n < 5 ? 0 : 5) });
    for (let n = 0; n < 5; n++) await study.ask(n, space);
    expect(await study.ask(5, space)).toBeNull(); // the first bracket is unfinished
    for (let n = 0; n < 5; n++) await study.tell(n, n);
    await study.ask(5, space);
    expect(seen.at(-1)).toEqual({ history: [0, 1, 2, 3, 4], pending: [] });
    expect(seen[4]).toEqual({ history: [], pending: [0, 1, 2, 3] });
  });

  it("can be left out (ASHA): a trial sees what has finished and never waits", async () => {
    const { seen, study } = spyStudy({ asynchronous: true });
    await study.ask(0, space);
    await study.ask(1, space);
    await study.tell(1, 0.5);
    await study.ask(2, space);
    expect(seen.at(-1)).toEqual({ history: [1], pending: [0] });
  });
});
