import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Distribution, ParamValue } from "../space/distributions";
import { createRandomStrategy } from "./random";
import { strategyContract } from "./strategy.contract";
import type { SampleContext } from "./strategy";

strategyContract("random", () => createRandomStrategy());

function draws(dist: Distribution, n: number, seed = 3): ParamValue[] {
  const strategy = createRandomStrategy();
  const ctx: SampleContext = { history: [], trialNumber: 0, rng: createRng(seed), direction: "minimize" };
  return Array.from({ length: n }, () => strategy.sample(ctx, "x", dist));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

describe("random strategy statistics", () => {
  it("log-uniform floats have their median near the geometric mean", () => {
    const xs = draws({ kind: "float", low: 1e-5, high: 1e-1, log: true }, 20000) as number[];
    const m = median(xs);
    expect(Math.abs(Math.log10(m) - -3)).toBeLessThan(0.05); // geometric mean 1e-3
    // a linear-uniform draw would put the median near 0.05: make sure we are far from that
    expect(m).toBeLessThan(0.002);
  });

  it("log ints have their median near the geometric mean", () => {
    const xs = draws({ kind: "int", low: 1, high: 1024, step: 1, log: true }, 20000) as number[];
    const expected = Math.sqrt(0.5 * 1024.5); // log-uniform on [low - 0.5, high + 0.5]
    expect(Math.abs(Math.log(median(xs)) - Math.log(expected))).toBeLessThan(0.1);
  });

  it("uniform floats have mean and quartiles of a uniform", () => {
    const xs = draws({ kind: "float", low: 2, high: 6, log: false }, 20000) as number[];
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeCloseTo(4, 1);
    expect(xs.filter((x) => x < 3).length / xs.length).toBeCloseTo(0.25, 1);
  });

  it("stepped ints hit every grid value about equally often, ends included", () => {
    const xs = draws({ kind: "int", low: 8, high: 64, step: 8, log: false }, 16000) as number[];
    const counts = new Map<number, number>();
    for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([8, 16, 24, 32, 40, 48, 56, 64]);
    for (const c of counts.values()) expect(Math.abs(c - 2000)).toBeLessThan(200);
  });

  it("stepped floats land on clean grid values", () => {
    const xs = new Set(draws({ kind: "float", low: 0, high: 0.5, log: false, step: 0.1 }, 3000));
    expect([...xs].sort()).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5]);
  });

  it("choices and booleans are uniform", () => {
    const xs = draws({ kind: "choice", choices: ["a", "b", "c"] }, 9000);
    for (const c of ["a", "b", "c"]) expect(Math.abs(xs.filter((x) => x === c).length - 3000)).toBeLessThan(250);
    const bs = draws({ kind: "bool" }, 4000);
    expect(Math.abs(bs.filter(Boolean).length - 2000)).toBeLessThan(200);
  });
});
