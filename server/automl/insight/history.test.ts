import { describe, expect, it } from "vitest";
import { optimizationHistory } from "./history";

const trials = (values: number[]) => values.map((value, number) => ({ number, params: {}, value }));

describe("optimizationHistory", () => {
  it("tracks the best so far in the run's direction, by trial number", () => {
    const shuffled = trials([0.5, 0.7, 0.6, 0.9]).reverse();
    expect(optimizationHistory(shuffled, "max")).toEqual({
      total: 4,
      points: [
        { number: 0, value: 0.5, best: 0.5 },
        { number: 1, value: 0.7, best: 0.7 },
        { number: 2, value: 0.6, best: 0.7 },
        { number: 3, value: 0.9, best: 0.9 },
      ],
    });
    expect(optimizationHistory(trials([0.5, 0.7, 0.4]), "min").points.map((p) => p.best)).toEqual([0.5, 0.5, 0.4]);
  });

  it("thins a long run to about the maximum, keeping every improvement of the best", () => {
    // 10,000 trials, improving at 0, 1, 3, 7, ... (powers of two minus one)
    const values = Array.from({ length: 10_000 }, (_, i) => (Number.isInteger(Math.log2(i + 1)) ? i : -1));
    const { points, total } = optimizationHistory(trials(values), "max", 100);
    expect(total).toBe(10_000);
    expect(points).toHaveLength(100);
    const improvements = points.filter((p) => p.value === p.best).map((p) => p.number);
    expect(improvements).toEqual([0, 1, 3, 7, 15, 31, 63, 127, 255, 511, 1023, 2047, 4095, 8191]);
    expect(points.at(-1)!.number).toBe(9999);
    expect(points.map((p) => p.number)).toEqual([...points.map((p) => p.number)].sort((a, b) => a - b));
  });
});
