import { describe, expect, it } from "vitest";
import { paretoFront, type ParetoPoint } from "./pareto";

const pts = (rows: [string, number | null, number | null][]): ParetoPoint[] => rows.map(([id, score, cost]) => ({ id, score, cost }));

/** the definition, by brute force: no other point at least as good on both and better on one */
function bruteForce(points: ParetoPoint[], direction: "min" | "max"): string[] {
  const ok = points.filter((p) => p.score !== null && Number.isFinite(p.score) && p.cost !== null && Number.isFinite(p.cost)) as { id: string; score: number; cost: number }[];
  const better = (a: number, b: number) => (direction === "max" ? a > b : a < b);
  const atLeast = (a: number, b: number) => a === b || better(a, b);
  return ok
    .filter((p) => !ok.some((q) => q !== p && atLeast(q.score, p.score) && q.cost <= p.cost && (better(q.score, p.score) || q.cost < p.cost)))
    .map((p) => p.id)
    .sort();
}

describe("paretoFront", () => {
  it("keeps the points no other beats on both score (higher is better) and cost, cheapest first", () => {
    const points = pts([
      ["a", 0.7, 10],
      ["b", 0.8, 100],
      ["c", 0.75, 200], // dominated by b
      ["d", 0.9, 1000],
      ["e", 0.6, 50], // dominated by a
      ["f", 0.65, 5],
    ]);
    expect(paretoFront(points, "max")).toEqual(["f", "a", "b", "d"]);
  });

  it("turns around when lower scores are better (a loss)", () => {
    const points = pts([
      ["a", 0.7, 10],
      ["b", 0.5, 100],
      ["c", 0.6, 200], // dominated by b
      ["d", 0.3, 1000],
      ["e", 0.8, 5],
    ]);
    expect(paretoFront(points, "min")).toEqual(["e", "a", "b", "d"]);
  });

  it("handles ties: equal points are all on the front; an equal score at a higher cost, or an equal cost with a worse score, is not", () => {
    const points = pts([
      ["a", 0.8, 10],
      ["a2", 0.8, 10], // equal to a: neither dominates the other
      ["b", 0.8, 20], // same score as a, costs more: dominated
      ["c", 0.7, 10], // same cost as a, worse: dominated
      ["d", 0.9, 20],
      ["e", 0.9, 30], // same score as d, costs more
    ]);
    expect(paretoFront(points, "max")).toEqual(["a", "a2", "d"]);
    expect(paretoFront(points, "min")).toEqual(["c"]);
  });

  it("always keeps the best score (its cheapest holder) and the cheapest cost (its best holder)", () => {
    const points = pts([
      ["x", 0.5, 1],
      ["y", 0.5, 1e9],
      ["best", 0.99, 1e8],
      ["bestDear", 0.99, 1e9],
    ]);
    const front = paretoFront(points, "max");
    expect(front).toContain("best");
    expect(front).toContain("x");
    expect(front).not.toContain("bestDear");
  });

  it("leaves out NaN, infinite and missing costs and scores", () => {
    const points = pts([
      ["a", 0.7, 10],
      ["nanCost", 0.99, Number.NaN],
      ["nullCost", 0.99, null],
      ["infCost", 0.99, Number.POSITIVE_INFINITY],
      ["nullScore", null, 1],
      ["nanScore", Number.NaN, 1],
      ["b", 0.8, 20],
    ]);
    expect(paretoFront(points, "max")).toEqual(["a", "b"]);
    expect(paretoFront([], "max")).toEqual([]);
    expect(paretoFront(pts([["only", 0.5, 0]]), "min")).toEqual(["only"]);
  });

  it("agrees with the definition on random points with many ties", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(rand() * 30);
      const points = pts(Array.from({ length: n }, (_, i) => [`p${i}`, Math.floor(rand() * 6) / 5, rand() < 0.1 ? null : Math.floor(rand() * 6)] as [string, number | null, number | null]));
      for (const direction of ["min", "max"] as const) expect([...paretoFront(points, direction)].sort()).toEqual(bruteForce(points, direction));
    }
  });
});
