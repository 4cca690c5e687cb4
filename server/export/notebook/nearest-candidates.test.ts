import { describe, expect, it } from "vitest";
import { nearestCandidates, type ScoredCandidate } from "./nearest-candidates";

describe("nearestCandidates", () => {
  const base = { number: 1, family: "gbdt", params: { lr: 0.1, leaves: 31 }, valScore: 0.8, testScore: 0.79 };
  it("orders by how many hyperparameters changed, then by score, and lists the changes", () => {
    const others: ScoredCandidate[] = [
      { number: 2, family: "gbdt", params: { lr: 0.05, leaves: 63 }, valScore: 0.9, testScore: null },
      { number: 3, family: "gbdt", params: { lr: 0.05, leaves: 31 }, valScore: 0.7, testScore: 0.7 },
      { number: 4, family: "gbdt", params: { lr: 0.2, leaves: 31 }, valScore: 0.75, testScore: 0.7 },
      { number: 5, family: "mlp", params: { units: 64 }, valScore: 0.95, testScore: 0.9 },
    ];
    const near = nearestCandidates(base, [base, ...others], "max", 3);
    expect(near.map((n) => n.number)).toEqual([4, 3, 2]);
    expect(near[0].changes).toEqual([{ name: "lr", from: 0.1, to: 0.2 }]);
  });
});
