import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Distribution } from "../space/distributions";
import type { FinishedTrial } from "../space/trial-record";
import { createCoarseToFineStrategy } from "./coarse-to-fine";
import { createRandomStrategy } from "./random";
import { strategyContract } from "./strategy.contract";
import { BRANIN, bestFound, median } from "./test-functions";

strategyContract("coarse_to_fine", () => createCoarseToFineStrategy());
strategyContract("coarse_to_fine (zooming from trial 2)", () => createCoarseToFineStrategy({ initial: 2, zoomEvery: 3, top: 2 }));

const SEEDS = [1, 2, 3, 4, 5];

describe("coarse-to-fine strategy", () => {
  it("beats random search on Branin (median best of 5 seeds, 60 trials)", async () => {
    const ctf = median(await Promise.all(SEEDS.map((seed) => bestFound(createCoarseToFineStrategy(), BRANIN, { trials: 60, seed }))));
    const rnd = median(await Promise.all(SEEDS.map((seed) => bestFound(createRandomStrategy(), BRANIN, { trials: 60, seed }))));
    expect(ctf).toBeLessThan(rnd);
  });

  it("samples within a box of width shrink^round around a top trial", () => {
    const dist: Distribution = { kind: "float", low: 0, high: 100, log: false };
    const history: FinishedTrial[] = Array.from({ length: 10 }, (_, number) => ({
      number,
      params: { x: number * 10 },
      distributions: { x: dist },
      value: number === 4 ? 0 : 100 + number,
      state: "complete",
    }));
    const s = createCoarseToFineStrategy({ initial: 10, zoomEvery: 10, shrink: 0.5, top: 1 });
    for (const [trialNumber, halfWidth] of [[10, 25], [25, 12.5], [35, 6.25]]) {
      for (let seed = 0; seed < 50; seed++) {
        const ctx = { history, trialNumber, rng: createRng(seed), direction: "minimize" as const };
        s.beforeTrial!(ctx);
        expect(Math.abs((s.sample(ctx, "x", dist) as number) - 40)).toBeLessThanOrEqual(halfWidth);
      }
    }
  });

  it("zooms every branch of a conditional space around its own best trial, at its own round", () => {
    const kind: Distribution = { kind: "choice", choices: ["a", "b"] };
    const x: Distribution = { kind: "float", low: 0, high: 100, log: false };
    const y: Distribution = { kind: "float", low: 0, high: 100, log: false };
    // branch "a" (kind, x) holds every top trial and 28 of the 30 trials; branch "b" (kind, y) has 2, its best at y = 40
    const history = Array.from({ length: 30 }, (_, number): FinishedTrial =>
      number === 3 || number === 7
        ? { number, params: { kind: "b", y: number === 3 ? 40 : 90 }, distributions: { kind, y }, value: 10 + number, state: "complete" }
        : { number, params: { kind: "a", x: number }, distributions: { kind, x }, value: 1 / (1 + number), state: "complete" },
    );
    const s = createCoarseToFineStrategy({ initial: 10, zoomEvery: 10, shrink: 0.5, top: 1 });
    const ys: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      const ctx = { history, trialNumber: 30, rng: createRng(seed), direction: "minimize" as const };
      s.beforeTrial!(ctx);
      if (s.sample(ctx, "kind", kind) === "b") ys.push(s.sample(ctx, "y", y) as number);
    }
    // the best "b" trial is a centre as often as the overall best (alone it would be revisited 1 time in 10, at random y)
    const nearB = ys.filter((v) => Math.abs(v - 40) <= 25);
    expect(nearB.length).toBeGreaterThan(120);
    // "b" is in its first round (every trial since the 10th took "a"): a box of width 0.5, not the 0.125 of round 3
    expect(nearB.filter((v) => Math.abs(v - 40) > 6.25).length).toBeGreaterThan(nearB.length / 2);
  });

  it("validates its options", () => {
    expect(() => createCoarseToFineStrategy({ shrink: 1 })).toThrow();
    expect(() => createCoarseToFineStrategy({ top: 0 })).toThrow();
  });
});
