import { describe, expect, it } from "vitest";
import { inferAxes } from "./param-axes";
import { BEST_LINES, MAX_LINES, parallelCoordinates } from "./parallel-coordinates";
import type { ScoredTrial } from "./types";

describe("parallelCoordinates", () => {
  it("places each trial on every axis, null where a hyperparameter is absent", () => {
    const trials: ScoredTrial[] = [
      { number: 0, params: { lr: 0.001, act: "relu", momentum: 0.5 }, value: 0.8 },
      { number: 1, params: { lr: 0.1, act: "tanh" }, value: 0.6 },
    ];
    const data = parallelCoordinates(trials, inferAxes(trials.map((t) => t.params)), "max");
    expect(data.axes.map((a) => a.name)).toEqual(["lr", "act", "momentum"]);
    expect(data.lines).toEqual([
      { number: 0, value: 0.8, coords: [0, 0, 0.5] },
      { number: 1, value: 0.6, coords: [1, 1, null] },
    ]);
  });

  it("keeps the best lines and an even sample of the rest for a long run", () => {
    const trials = Array.from({ length: 10_000 }, (_, number) => ({ number, params: { x: number }, value: (number * 7919) % 10_000 }));
    const data = parallelCoordinates(trials, inferAxes(trials.map((t) => t.params)), "min");
    expect(data.total).toBe(10_000);
    expect(data.lines).toHaveLength(MAX_LINES);
    const values = new Set(data.lines.map((l) => l.value));
    for (let v = 0; v < BEST_LINES; v++) expect(values.has(v)).toBe(true);
    expect(data.lines.map((l) => l.number)).toEqual([...data.lines.map((l) => l.number)].sort((a, b) => a - b));
  });
});
