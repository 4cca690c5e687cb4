import { describe, expect, it } from "vitest";
import { paretoFront } from "../../contracts/pareto";
import { paretoSample } from "./pareto-sample";

const candidate = (i: number) => ({
  id: `t${i}`,
  number: i,
  valScore: ((i * 7919) % 1000) / 1000,
  size: ((i * 104729) % 5000) + 1,
  speed: ((i * 1299709) % 3000) + 1,
  infeasibleReason: i % 10 === 0 ? "too big" : null,
});

describe("paretoSample", () => {
  it("keeps everything up to the maximum", () => {
    const all = Array.from({ length: 50 }, (_, i) => candidate(i));
    expect(paretoSample(all, [(c) => c.size], "max", 50)).toEqual(all);
  });

  it("keeps each cost's feasible front whole and samples the rest down to the maximum", () => {
    const all = Array.from({ length: 5000 }, (_, i) => candidate(i));
    const costs = [(c: (typeof all)[number]) => c.size, (c: (typeof all)[number]) => c.speed];
    const kept = paretoSample(all, costs, "max", 300);
    expect(kept).toHaveLength(300);
    const ids = new Set(kept.map((c) => c.id));
    const feasible = all.filter((c) => c.infeasibleReason === null);
    for (const cost of costs) {
      const front = paretoFront(feasible.map((c) => ({ id: c.id, score: c.valScore, cost: cost(c) })), "max");
      expect(front.length).toBeGreaterThan(2);
      expect(front.every((id) => ids.has(id))).toBe(true);
      // the front of the sample is the front of all
      const sampledFeasible = kept.filter((c) => c.infeasibleReason === null);
      expect(paretoFront(sampledFeasible.map((c) => ({ id: c.id, score: c.valScore, cost: cost(c) })), "max")).toEqual(front);
    }
    expect(kept.map((c) => c.number)).toEqual([...kept.map((c) => c.number)].sort((a, b) => a - b));
    expect(kept.some((c) => c.infeasibleReason !== null)).toBe(true);
  });
});
