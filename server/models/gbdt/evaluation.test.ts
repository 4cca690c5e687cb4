import { describe, expect, it } from "vitest";
import { SORTED_METRIC_ROWS } from "../shared/epoch-scoring";
import { RoundScorer } from "./evaluation";
import { objectiveFor } from "./objective";
import { binaryTask } from "../shared/test-data";

describe("round scores", () => {
  const scorer = (metric: "auc" | "logloss", valRows: number) =>
    new RoundScorer(binaryTask, objectiveFor(binaryTask), metric, Float32Array.from({ length: valRows }, (_, i) => i % 2), new Float32Array(10), 50, 1);

  it("scores a sort-based metric on a large validation set every few rounds, from round 1", () => {
    const big = scorer("auc", 3 * SORTED_METRIC_ROWS);
    expect(big.metricEvery).toBe(3);
    const raw = Float64Array.from({ length: 3 * SORTED_METRIC_ROWS }, (_, i) => (i % 2) - 0.5 + Math.sin(i));
    expect(big.validation(raw, 1).metric).not.toBeNull();
    expect(big.validation(raw, 2).metric).toBeNull();
    expect(big.validation(raw, 4).metric).not.toBeNull();
    expect(Number.isFinite(big.validation(raw, 2).loss)).toBe(true);
  });

  it("scores O(n) metrics and small validation sets every round; caps the gap at a fifth of the patience", () => {
    expect(scorer("logloss", 3 * SORTED_METRIC_ROWS).metricEvery).toBe(1);
    expect(scorer("auc", SORTED_METRIC_ROWS).metricEvery).toBe(1);
    expect(scorer("auc", 100 * SORTED_METRIC_ROWS).metricEvery).toBe(10);
  });
});
