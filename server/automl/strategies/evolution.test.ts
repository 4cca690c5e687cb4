import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import type { Distribution } from "../space/distributions";
import type { Suggest } from "../space/suggest";
import type { FinishedTrial } from "../space/trial-record";
import { MemoryTrialStore } from "../store/memory-trial-store";
import { Study } from "../study";
import { createEvolutionStrategy, evolutionOptionsSchema } from "./evolution";
import { createRandomStrategy } from "./random";
import { strategyContract } from "./strategy.contract";
import { BRANIN, HARTMANN6, bestFound, median } from "./test-functions";

// Tournaments of 2: with the default 7 (of a population of 10), a child copies 11 of the contract's 12 values
// from one of a few tournament winners, so only 9 of 20 seeds give distinct "float" values (the contract asks for 10).
strategyContract("evolution", () => createEvolutionStrategy({ sample: 2 }));
strategyContract("evolution (crossover)", () => createEvolutionStrategy({ population: 10, sample: 2, crossover: true }));

const SEEDS = [1, 2, 3, 4, 5];

describe("evolution strategy", () => {
  it("beats random search on Branin (median best of 5 seeds, 60 trials)", async () => {
    const evo = median(await Promise.all(SEEDS.map((seed) => bestFound(createEvolutionStrategy(), BRANIN, { trials: 60, seed }))));
    const rnd = median(await Promise.all(SEEDS.map((seed) => bestFound(createRandomStrategy(), BRANIN, { trials: 60, seed }))));
    expect(evo).toBeLessThan(rnd);
  });

  it("beats random search on Branin and Hartmann-6 at the benchmark's budget (median best of 5 seeds, 50 trials)", async () => {
    for (const fn of [BRANIN, HARTMANN6]) {
      const evo = median(await Promise.all(SEEDS.map((seed) => bestFound(createEvolutionStrategy(), fn, { trials: 50, seed }))));
      const rnd = median(await Promise.all(SEEDS.map((seed) => bestFound(createRandomStrategy(), fn, { trials: 50, seed }))));
      expect(evo).toBeLessThan(rnd);
    }
  });

  it("defaults to a population of 10 and tournaments of 7 (a budget of tens of trials)", () => {
    expect(evolutionOptionsSchema.parse({})).toEqual({ population: 10, sample: 7, crossover: false });
  });

  it("gives a branch that a mutation opens the values of that branch's best trial, mutated", () => {
    const kind: Distribution = { kind: "choice", choices: ["a", "b"] };
    const width: Distribution = { kind: "int", low: 1, high: 100, step: 1, log: false };
    const rate: Distribution = { kind: "float", low: 0, high: 1, log: false };
    // ten "a" trials (the best is the parent of every child), and two old "b" trials outside the population
    const history: FinishedTrial[] = [
      { number: 0, params: { kind: "b", b_rate: 0.9 }, distributions: { kind, b_rate: rate }, value: 5, state: "complete" },
      { number: 1, params: { kind: "b", b_rate: 0.2 }, distributions: { kind, b_rate: rate }, value: 3, state: "complete" },
      ...Array.from({ length: 10 }, (_, i): FinishedTrial => ({
        number: i + 2,
        params: { kind: "a", a_width: 10 * (i + 1) },
        distributions: { kind, a_width: width },
        value: i === 4 ? 0 : 1 + i,
        state: "complete",
      })),
    ];
    const s = createEvolutionStrategy({ population: 10, sample: 10 });
    const rates: number[] = [];
    for (let seed = 0; seed < 400; seed++) {
      const ctx = { history, trialNumber: 12, rng: createRng(seed), direction: "minimize" as const };
      s.beforeTrial!(ctx);
      if (s.sample(ctx, "kind", kind) === "b") rates.push(s.sample(ctx, "b_rate", rate) as number);
    }
    // half the children mutate `kind` (the other half `a_width`); their b_rate is a step from 0.2, never 0.2 itself
    expect(rates.length).toBeGreaterThan(150);
    expect(rates).not.toContain(0.2);
    expect(median(rates.map((r) => Math.abs(r - 0.2)))).toBeLessThan(0.08);
  });

  // a population of 10 whose best trial (the parent of every child: tournaments of the whole population) has x = 0.5
  const parentOf = (dist: Distribution, best: number, others: (i: number) => number): FinishedTrial[] =>
    Array.from({ length: 10 }, (_, number) => ({
      number,
      params: { x: number === 4 ? best : others(number) },
      distributions: { x: dist },
      value: number === 4 ? 0 : 1 + number,
      state: "complete" as const,
    }));
  const children = (history: FinishedTrial[], dist: Distribution) => {
    const s = createEvolutionStrategy({ population: 10, sample: 10 });
    return Array.from({ length: 400 }, (_, seed) => {
      const ctx = { history, trialNumber: 10, rng: createRng(seed), direction: "minimize" as const };
      s.beforeTrial!(ctx);
      return s.sample(ctx, "x", dist) as number;
    });
  };

  it("mutates a float by a local step of many scales, not a uniform redraw", () => {
    const dist: Distribution = { kind: "float", low: 0, high: 1, log: false };
    const steps = children(parentOf(dist, 0.5, (i) => i / 10), dist).map((x) => Math.abs(x - 0.5));
    expect(Math.min(...steps)).toBeGreaterThan(0);
    // a uniform redraw has a median step of 0.25; most steps here are fine ones, some coarse
    expect(median(steps)).toBeLessThan(0.08);
    expect(steps.filter((d) => d < 0.01).length).toBeGreaterThan(40);
    expect(steps.filter((d) => d > 0.2).length).toBeGreaterThan(40);
  });

  it("mutates an int whose step stays inside its cell to a neighbouring value, not a uniform redraw", () => {
    const dist: Distribution = { kind: "int", low: 1, high: 16, step: 1, log: false };
    const xs = children(parentOf(dist, 8, (i) => (i % 16) + 1), dist);
    expect(xs).not.toContain(8);
    // a uniform redraw of the 15 other values would give 7 or 9 a ninth of the time
    expect(xs.filter((x) => x === 7 || x === 9).length).toBeGreaterThan(200);
  });

  it("makes each child differ from some population member in exactly one hyperparameter", async () => {
    const population = 4;
    const study = new Study({ studyId: "evo", strategy: createEvolutionStrategy({ population, sample: 2 }), direction: "maximize", seed: 3, store: new MemoryTrialStore(), batchSize: 1 });
    const space = (s: Suggest) => {
      s.int("a", 1, 4);
      s.float("b", 0, 1);
      s.choice("c", ["x", "y", "z"]);
      s.bool("d");
    };
    const trials = [];
    for (let n = 0; n < 40; n++) {
      const p = (await study.ask(n, space))!;
      await study.tell(n, p.params.b as number);
      trials.push(p);
    }
    for (const child of trials.slice(population)) {
      const parents = trials.slice(Math.max(0, child.number - population), child.number);
      const diffs = parents.map((p) => Object.keys(child.params).filter((k) => child.params[k] !== p.params[k]).length);
      expect(diffs).toContain(1);
    }
  });

  it("validates its options", () => {
    expect(() => createEvolutionStrategy({ population: 0 })).toThrow();
    expect(() => createEvolutionStrategy({ crossover: "yes" })).toThrow();
  });
});
