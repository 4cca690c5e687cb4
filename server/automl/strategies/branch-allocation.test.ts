import { describe, expect, it } from "vitest";
import type { Distribution } from "../space/distributions";
import type { Suggest } from "../space/suggest";
import type { FinishedTrial } from "../space/trial-record";
import { MemoryTrialStore } from "../store/memory-trial-store";
import { Study, type Proposal } from "../study";
import { estimatedCostToImprove, withBranchAllocation } from "./branch-allocation";
import type { Strategy } from "./strategy";
import { strategyContract } from "./strategy.contract";
import { createTpeStrategy } from "./tpe";

strategyContract("tpe with branch allocation", () => withBranchAllocation(createTpeStrategy(), { key: "family", startup: 10 }));

const dist: Distribution = { kind: "float", low: 0, high: 1, log: false };
const trial = (number: number, value: number | null, extra: Partial<FinishedTrial> = {}): FinishedTrial => ({
  number,
  params: { x: 0.5 },
  distributions: { x: dist },
  value,
  state: value === null ? "failed" : "complete",
  ...extra,
});

describe("estimatedCostToImprove (FLAML's ECI, in trials or the trials' cost)", () => {
  it("is null for a branch never tried", () => {
    expect(estimatedCostToImprove([], 0, "maximize", 0.9)).toBeNull();
  });

  it("grows with the trials spent since the branch's best", () => {
    // best at trial 2 (after an improvement that took 1 trial), then 5 trials without one
    const plateau = [0.7, 0.8, 0.79, 0.78, 0.8, 0.77, 0.75].map((v, i) => trial(i, v));
    expect(estimatedCostToImprove(plateau, 0, "maximize", 0.8)).toBe(5);
    // pending proposals count as spent
    expect(estimatedCostToImprove(plateau, 2, "maximize", 0.8)).toBe(7);
  });

  it("asks a branch behind the leader to close the gap at its last pace", () => {
    // its last improvement, 0.01, took 2 trials; 0.04 behind the leader: 8 trials at that pace
    const behind = [0.7, 0.75, 0.74, 0.76].map((v, i) => trial(i, v));
    expect(estimatedCostToImprove(behind, 0, "maximize", 0.8)).toBeCloseTo(8, 10);
    // minimising: the same with the signs turned
    const loss = [0.3, 0.25, 0.26, 0.24].map((v, i) => trial(i, v));
    expect(estimatedCostToImprove(loss, 0, "minimize", 0.2)).toBeCloseTo(8, 10);
  });

  it("counts in the trials' cost where they carry one, and a branch without a score by what it spent", () => {
    const cheap = [0.7, 0.8, 0.78].map((v, i) => trial(i, v, { cost: 1 }));
    const dear = [0.7, 0.8, 0.78].map((v, i) => trial(i, v, { cost: 10 }));
    expect(estimatedCostToImprove(cheap, 0, "maximize", 0.8)).toBe(1);
    expect(estimatedCostToImprove(dear, 0, "maximize", 0.8)).toBe(10);
    const failing = [trial(0, null, { cost: 3 }), trial(1, null, { cost: 5 })];
    expect(estimatedCostToImprove(failing, 1, "maximize", 0.8)).toBe(12);
  });
});

// Two model families: "flat" scores 0.80 whatever its parameter (a linear model at any small penalty), "deep" starts
// lower but reaches 0.86 near x = 0.7 (boosted trees, once tuned).
const cash = {
  space: (s: Suggest) => {
    const family = s.choice("family", ["flat", "deep"]);
    return family === "flat" ? { family, a: s.float("flat.a", 0, 1) } : { family, x: s.float("deep.x", 0, 1) };
  },
  objective: (p: Proposal["params"]) => (p.family === "flat" ? 0.8 + 0.0001 * (p["flat.a"] as number) : 0.86 - 0.5 * ((p["deep.x"] as number) - 0.7) ** 2),
};
// two families alike but for what their trials cost
const twins = {
  space: (s: Suggest) => {
    const family = s.choice("family", ["cheap", "dear"]);
    return { family, x: s.float(`${family}.x`, 0, 1) };
  },
  objective: (p: Proposal["params"]) => 0.86 - 0.5 * ((p[`${p.family}.x`] as number) - 0.7) ** 2,
};
type Problem = { space: (s: Suggest) => unknown; objective: (p: Proposal["params"]) => number };

async function search(strategy: Strategy, seed: number, trials: number, { space, objective }: Problem = cash, cost?: (p: Proposal["params"]) => number) {
  const store = new MemoryTrialStore();
  const study = new Study({ studyId: "cash", strategy, direction: "maximize", seed, store, batchSize: 1 });
  const proposals: Proposal["params"][] = [];
  for (let n = 0; n < trials; n++) {
    const p = (await study.ask(n, space))!;
    const value = objective(p.params);
    // the study tells values only; a cost is what a run's store would record beside it
    if (cost) await store.saveResult("cash", n, { value, state: "complete", cost: cost(p.params) });
    else await study.tell(n, value);
    proposals.push(p.params);
  }
  return proposals;
}

const allocated = () => withBranchAllocation(createTpeStrategy(), { key: "family", startup: 10 });
const share = (ps: Proposal["params"][], family: string) => ps.filter((p) => p.family === family).length / ps.length;

describe("withBranchAllocation", () => {
  it("keeps trying the family that improves instead of exhausting the one that led early", async () => {
    for (const seed of [1, 2, 3]) {
      const after = (await search(allocated(), seed, 50)).slice(10);
      expect(share(after, "deep")).toBeGreaterThan(0.5);
    }
  });

  it("tunes the chosen family on its own trials: its best gets close to that family's optimum", async () => {
    const bests = [];
    for (const seed of [1, 2, 3]) bests.push(Math.max(...(await search(allocated(), seed, 50)).map(cash.objective)));
    for (const best of bests) expect(best).toBeGreaterThan(0.855);
  });

  it("draws nothing itself during the inner strategy's startup: the same proposals as the strategy alone", async () => {
    const alone = await search(createTpeStrategy(), 7, 10);
    expect(await search(allocated(), 7, 10)).toEqual(alone);
  });

  it("gives a family whose trials cost more for the same pace fewer trials", async () => {
    const cost = (p: Proposal["params"]) => (p.family === "dear" ? 20 : 1);
    for (const seed of [1, 2, 3]) {
      const after = (await search(allocated(), seed, 50, twins, cost)).slice(10);
      expect(share(after, "dear")).toBeLessThan(0.25);
    }
  });

  it("gives the same proposals for the same seed", async () => {
    expect(await search(allocated(), 5, 30)).toEqual(await search(allocated(), 5, 30));
  });
});
