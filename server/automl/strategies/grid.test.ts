import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { contains, type Distribution } from "../space/distributions";
import type { Suggest } from "../space/suggest";
import { MemoryTrialStore } from "../store/memory-trial-store";
import { Study } from "../study";
import { createGridStrategy, gridSize, gridValues } from "./grid";
import { CONTRACT_DISTRIBUTIONS, contractHistory, strategyContract } from "./strategy.contract";

// the contract space has 125,000 grid points; a grid's point does not depend on the seed
strategyContract("grid", () => createGridStrategy({ maxPoints: Number.MAX_SAFE_INTEGER }), { seeded: false });

const study = (batchSize = 1) => new Study({ studyId: "grid", strategy: createGridStrategy(), direction: "minimize", seed: 1, store: new MemoryTrialStore(), batchSize });

describe("grid strategy", () => {
  it("keeps every contract value inside its distribution, whatever the history", () => {
    for (const size of [0, 17, 60]) {
      for (let trialNumber = 0; trialNumber < 40; trialNumber++) {
        const g = createGridStrategy({ maxPoints: Number.MAX_SAFE_INTEGER }); // the contract space has 125,000 points
        const ctx = { history: contractHistory(size), trialNumber, rng: createRng(trialNumber), direction: "maximize" as const };
        g.beforeTrial!(ctx);
        for (const [name, dist] of Object.entries(CONTRACT_DISTRIBUTIONS)) expect(contains(dist, g.sample(ctx, name, dist))).toBe(true);
      }
    }
  });

  it("grids each kind of distribution", () => {
    expect(gridValues({ kind: "int", low: 1, high: 3, step: 1, log: false }, 5)).toEqual([1, 2, 3]);
    expect(gridValues({ kind: "int", low: 0, high: 100, step: 10, log: false }, 5)).toEqual([0, 30, 50, 80, 100]);
    expect(gridValues({ kind: "int", low: 1, high: 10000, step: 1, log: true }, 5)).toEqual([1, 10, 100, 1000, 10000]);
    expect(gridValues({ kind: "float", low: 0, high: 1, log: false }, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect((gridValues({ kind: "float", low: 1e-4, high: 1, log: true }, 5) as number[]).map((v) => Math.round(Math.log10(v)))).toEqual([-4, -3, -2, -1, 0]);
    expect(gridValues({ kind: "float", low: 0, high: 0.3, log: false, step: 0.1 }, 5)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(gridValues({ kind: "choice", choices: ["a", "b"] }, 1)).toEqual(["a", "b"]);
    expect(gridValues({ kind: "bool" }, 5)).toEqual([false, true]);
    expect(gridValues({ kind: "fixed", value: 3 }, 5)).toEqual([3]);
  });

  it("keeps snapped grid points inside their distribution", () => {
    const dists: Distribution[] = [
      { kind: "int", low: 8, high: 512, step: 8, log: false },
      { kind: "int", low: 1, high: 1024, step: 1, log: true },
      { kind: "float", low: 0, high: 0.5, log: false, step: 0.05 },
    ];
    for (const dist of dists) for (const v of gridValues(dist, 7)) expect(contains(dist, v)).toBe(true);
  });

  it("sizes a fixed space", () => {
    expect(gridSize({ a: { kind: "bool" }, b: { kind: "float", low: 0, high: 1, log: false } })).toBe(10);
    expect(gridSize({ a: { kind: "bool" }, b: { kind: "float", low: 0, high: 1, log: false } }, 3)).toBe(6);
  });

  for (const batchSize of [1, 4]) {
    it(`covers a 2x3 space in exactly 6 trials, then reports it exhausted (batch ${batchSize})`, async () => {
      const s = study(batchSize);
      const space = (x: Suggest) => {
        x.bool("a");
        x.choice("b", ["x", "y", "z"]);
      };
      const seen = new Set<string>();
      for (let n = 0; n < 6; n++) {
        const p = (await s.ask(n, space))!;
        seen.add(JSON.stringify(p.params));
        await s.tell(n, n);
      }
      expect(seen.size).toBe(6);
      // batch 4: trials 6 and 7 still see only trials 0-3, so exhaustion shows from trial 8
      for (let n = 6; n < 8 && batchSize > 1; n++) await s.tell((await s.ask(n, space))!.number, n);
      await expect(s.ask(batchSize > 1 ? 8 : 6, space)).rejects.toThrow(/grid is exhausted: all 6 points/);
    });
  }

  it("covers every branch of a conditional space before reporting it exhausted", async () => {
    const s = study();
    const space = (x: Suggest) => {
      if (x.bool("deep")) x.int("layers", 2, 4);
      else x.choice("act", ["relu", "tanh"]);
    };
    const seen = new Set<string>();
    let n = 0;
    for (; n < 20; n++) {
      const p = await s.ask(n, space).catch((err: Error) => err);
      if (p instanceof Error) {
        expect(p.message).toMatch(/all 5 points/);
        break;
      }
      seen.add(JSON.stringify(p!.params));
      await s.tell(n, 0);
    }
    expect(seen.size).toBe(5); // 3 deep + 2 shallow
    expect(n).toBeLessThan(20);
  });

  it("is a pure function of the trial number (no randomness)", () => {
    const g = createGridStrategy({ pointsPerDimension: 10 });
    const dist: Distribution = { kind: "int", low: 0, high: 9, step: 1, log: false };
    const at = (seed: number) => {
      const ctx = { history: [], trialNumber: 13, rng: createRng(seed), direction: "minimize" as const };
      g.beforeTrial!(ctx);
      return [g.sample(ctx, "a", dist), g.sample(ctx, "b", dist)];
    };
    expect(at(1)).toEqual([3, 1]);
    expect(at(2)).toEqual([3, 1]);
  });

  it("refuses a grid larger than maxPoints", () => {
    const g = createGridStrategy({ maxPoints: 20 });
    const ctx = { history: [], trialNumber: 0, rng: createRng(1), direction: "minimize" as const };
    const dist: Distribution = { kind: "float", low: 0, high: 1, log: false };
    g.sample(ctx, "a", dist);
    expect(() => g.sample(ctx, "b", dist)).toThrow(/more than 20 points/);
  });

  it("validates its options", () => {
    expect(() => createGridStrategy({ pointsPerDimension: 0 })).toThrow();
    expect(() => createGridStrategy({ other: 1 })).toThrow();
  });
});
