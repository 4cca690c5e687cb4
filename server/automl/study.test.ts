import { describe, expect, it } from "vitest";
import { createRng } from "./rng";
import type { Suggest } from "./space/suggest";
import type { Strategy } from "./strategies/strategy";
import { createStrategy } from "./strategies";
import { MemoryTrialStore } from "./store/memory-trial-store";
import { Study, batchStart, visibleHistory, type Proposal } from "./study";

const space = (s: Suggest) => {
  const depth = s.int("depth", 1, 3);
  const params: Record<string, number | string> = { depth };
  for (let i = 0; i < depth; i++) params[`units_${i}`] = s.int(`units_${i}`, 8, 256, { log: true });
  params.lr = s.float("lr", 1e-4, 1e-1, { log: true });
  params.act = s.choice("act", ["relu", "tanh", "gelu"]);
  return params;
};
const objective = (p: Proposal["params"]) => Math.log10(p.lr as number) ** 2 + (p.depth as number);

const makeStudy = (over: Partial<ConstructorParameters<typeof Study>[0]> = {}) =>
  new Study({ studyId: "run-1", strategy: createStrategy("random"), direction: "minimize", seed: 2024, store: new MemoryTrialStore(), batchSize: 4, ...over });

/** runs `total` trials batch by batch, telling each batch's results in the order `order` picks */
async function runStudy(study: Study, total: number, order: (numbers: number[], batch: number) => number[]): Promise<Proposal[]> {
  const proposals: Proposal[] = [];
  for (let start = 0; start < total; start += study.batchSize) {
    const batch: Proposal[] = [];
    for (let n = start; n < Math.min(total, start + study.batchSize); n++) {
      const p = await study.ask(n, space);
      if (!p) throw new Error(`trial ${n} not ready`);
      batch.push(p);
    }
    for (const n of order(batch.map((p) => p.number), start)) {
      const p = batch.find((b) => b.number === n)!;
      if (n % 6 === 5) await study.tell(n, null, "failed");
      else await study.tell(n, objective(p.params));
    }
    proposals.push(...batch);
  }
  return proposals;
}

describe("Study determinism", () => {
  it("gives identical proposals for 20 trials whatever order results are told in", async () => {
    const inOrder = await runStudy(makeStudy(), 20, (ns) => ns);
    const reversed = await runStudy(makeStudy(), 20, (ns) => [...ns].reverse());
    const shuffled = await runStudy(makeStudy(), 20, (ns, b) => {
      const rng = createRng(b);
      return [...ns].sort(() => rng.float() - 0.5);
    });
    expect(reversed).toEqual(inOrder);
    expect(shuffled).toEqual(inOrder);
    expect(new Set(inOrder.map((p) => p.params.lr)).size).toBe(20);
  });

  it("gives the same proposals when a later batch is asked while results trickle in (interleaved workers)", async () => {
    const batchwise = await runStudy(makeStudy(), 12, (ns) => ns);
    // one worker at a time: ask, tell, ask... (trial 4 only becomes askable once 0-3 are told)
    const study = makeStudy();
    const serial: Proposal[] = [];
    for (let n = 0; n < 12; n++) {
      const p = await study.ask(n, space);
      expect(p).not.toBeNull();
      serial.push(p!);
      if (n % 6 === 5) await study.tell(n, null, "failed");
      else await study.tell(n, objective(p!.params));
    }
    expect(serial).toEqual(batchwise);
  });

  it("differs across seeds", async () => {
    const a = await runStudy(makeStudy({ seed: 1 }), 8, (ns) => ns);
    const b = await runStudy(makeStudy({ seed: 2 }), 8, (ns) => ns);
    expect(a.map((p) => p.params.lr)).not.toEqual(b.map((p) => p.params.lr));
  });

  it("shows a proposal only the batches that ended before its own batch", async () => {
    const seen: number[][] = [];
    const spy: Strategy = {
      name: "spy",
      beforeTrial: (ctx) => void seen.push(ctx.history.map((t) => t.number)),
      sample: (ctx, _n, dist) => createStrategy("random").sample(ctx, _n, dist),
    };
    const study = makeStudy({ strategy: spy, batchSize: 2 });
    await study.ask(0, space);
    await study.ask(1, space);
    await study.tell(1, 3);
    expect(await study.ask(2, space)).toBeNull(); // trial 0 is still running
    await study.tell(0, 4);
    await study.ask(2, space);
    await study.tell(2, 1); // finished early, yet invisible to trial 3 (same batch)
    await study.ask(3, space);
    expect(seen).toEqual([[], [], [0, 1], [0, 1]]);
  });
});

describe("Study ask/tell", () => {
  it("takes enqueued values as given and asks the strategy for the rest (Optuna's enqueue_trial)", async () => {
    const study = makeStudy();
    const p = await study.ask(0, space, { depth: 2, units_0: 128, units_1: 64, lr: 0.001 });
    expect(p!.params).toMatchObject({ depth: 2, units_0: 128, units_1: 64, lr: 0.001 });
    expect(["relu", "tanh", "gelu"]).toContain(p!.params.act);
    expect(p!.distributions.units_1).toMatchObject({ kind: "int", low: 8, high: 256 });
    await expect(makeStudy().ask(0, space, { depth: 9 })).rejects.toThrow(/the enqueued trial proposed 9 for "depth"/);
  });

  it("records proposals, repeats them when asked again, and rejects results for unknown trials", async () => {
    const study = makeStudy();
    const p = await study.ask(0, space);
    expect(await study.ask(0, space)).toEqual(p);
    await expect(study.tell(1, 0.5)).rejects.toThrow(/never proposed/);
    await study.tell(0, 0.5);
    await expect(study.tell(0, 0.4)).rejects.toThrow(/already finished/);
  });

  it("validates outcomes and fails diverged trials", async () => {
    const study = makeStudy();
    for (let n = 0; n < 3; n++) await study.ask(n, space);
    await expect(study.tell(0, null, "complete")).rejects.toThrow(/finite value/);
    await expect(study.tell(0, 1, "failed")).rejects.toThrow(/no value/);
    expect(await study.tell(0, NaN)).toMatchObject({ value: null, state: "failed" });
    expect(await study.tell(1, null)).toMatchObject({ value: null, state: "failed" });
    expect(await study.tell(2, 0.7, "pruned")).toMatchObject({ value: 0.7, state: "pruned" });
  });

  it("reports the best complete trial for the direction, earliest on ties", async () => {
    for (const [direction, expected] of [["minimize", 1], ["maximize", 2]] as const) {
      const study = makeStudy({ direction });
      expect(await study.best()).toBeNull();
      for (let n = 0; n < 4; n++) await study.ask(n, space);
      await study.tell(0, 5);
      await study.tell(1, 1);
      await study.tell(2, 9);
      await study.tell(3, 0, "pruned"); // pruned trials never win
      expect((await study.best())?.number).toBe(expected);
    }
    const ties = makeStudy();
    for (let n = 0; n < 2; n++) await ties.ask(n, space);
    await ties.tell(1, 2);
    await ties.tell(0, 2);
    expect((await ties.best())?.number).toBe(0);
  });

  it("reports a strategy's out-of-range value clearly", async () => {
    const broken: Strategy = { name: "broken", sample: () => -1 };
    await expect(makeStudy({ strategy: broken }).ask(0, space)).rejects.toThrow(/strategy "broken" proposed -1 for "depth"/);
  });

  it("validates its options and trial numbers", async () => {
    expect(() => makeStudy({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => makeStudy({ direction: "up" as never })).toThrow(/direction/);
    await expect(makeStudy().ask(-1, space)).rejects.toThrow(/non-negative/);
  });
});

describe("visibleHistory", () => {
  const t = (number: number) => ({ number, params: {}, distributions: {}, value: 1, state: "complete" as const });
  it("returns the earlier batches, or null while one of their trials is unfinished", () => {
    expect(batchStart(7, 4)).toBe(4);
    expect(visibleHistory(3, 0, [t(0)])).toEqual([]);
    expect(visibleHistory(5, 4, [t(3), t(1), t(0)])).toBeNull();
    expect(visibleHistory(5, 4, [t(4), t(3), t(2), t(1), t(0)])?.map((x) => x.number)).toEqual([0, 1, 2, 3]);
  });
});
