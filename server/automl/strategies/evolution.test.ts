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

  it("defaults to a population of 10 and tournaments of the whole population (a budget of tens of trials)", () => {
    expect(evolutionOptionsSchema.parse({})).toEqual({ population: 10, crossover: false });
    // the parent is the best of the last 10 finished trials, however the tournament is drawn: a child keeps the
    // parent's `tag` unless the tag is what it mutates
    const tag: Distribution = { kind: "int", low: 0, high: 1000, step: 1, log: false };
    const x: Distribution = { kind: "float", low: 0, high: 1, log: false };
    const history: FinishedTrial[] = Array.from({ length: 14 }, (_, number) => ({
      number,
      params: { tag: number * 50, x: number / 20 },
      distributions: { tag, x },
      value: number === 2 ? -1 : number === 7 ? 0 : 1 + number,
      state: "complete" as const,
    }));
    const s = createEvolutionStrategy();
    const tags = Array.from({ length: 100 }, (_, seed) => {
      const ctx = { history, trialNumber: 14, rng: createRng(seed), direction: "minimize" as const };
      s.beforeTrial!(ctx);
      return s.sample(ctx, "tag", tag) as number;
    });
    const inherited = tags.filter((t) => t % 50 === 0 && t <= 650);
    expect(inherited.length).toBeGreaterThan(30);
    // trial 7 is the best of the population; trial 2, the best ever, has aged out
    expect(new Set(inherited)).toEqual(new Set([350]));
  });

  it("proposes random trials until the population is full (the first 10 by default)", () => {
    const dist: Distribution = { kind: "float", low: 0, high: 1, log: false };
    const history: FinishedTrial[] = Array.from({ length: 9 }, (_, number) => ({ number, params: { x: 0.5 }, distributions: { x: dist }, value: number, state: "complete" as const }));
    for (let seed = 0; seed < 20; seed++) {
      const s = createEvolutionStrategy();
      const ctx = { history, trialNumber: 9, rng: createRng(seed), direction: "minimize" as const };
      s.beforeTrial!(ctx);
      expect(s.sample(ctx, "x", dist)).toBe(createRng(seed).float());
    }
  });

  it("gives a branch that a mutation opens, half the time, the values of that branch's best trial, mutated, and otherwise a random draw", () => {
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
    // half the children mutate `kind` (the other half `a_width`); their b_rate is never 0.2 itself
    expect(rates.length).toBeGreaterThan(150);
    expect(rates).not.toContain(0.2);
    // carried and mutated: a step from 0.2, most of them small; drawn at random: uniform on [0, 1]
    const near = rates.filter((r) => Math.abs(r - 0.2) < 0.05).length / rates.length;
    const far = rates.filter((r) => r > 0.6).length / rates.length;
    // a uniform draw alone would put a tenth within 0.05 of 0.2 and two fifths above 0.6; a step alone, almost none
    expect(near).toBeGreaterThan(0.25);
    expect(far).toBeGreaterThan(0.15);
    expect(far).toBeLessThan(0.35);
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
    // the other members keep away from 8's neighbours, which a child would otherwise not repeat
    const xs = children(parentOf(dist, 8, (i) => (i < 4 ? i + 1 : i + 3)), dist);
    expect(xs).not.toContain(8);
    // a uniform redraw of the 15 other values would give 7 or 9 a ninth of the time
    expect(xs.filter((x) => x === 7 || x === 9).length).toBeGreaterThan(200);
  });

  it("mutates again a child that repeats a configuration already tried, finished or pending", () => {
    const dist: Distribution = { kind: "int", low: 1, high: 16, step: 1, log: false };
    // the best member has x = 8; 7 and 9, its likeliest children, have been tried
    const history = parentOf(dist, 8, (i) => [7, 9, 1, 2, 3, 16, 14, 13, 12, 11][i]);
    // without the check more than half the children would be 7 or 9 (see above); after 8 repeats a child takes two
    // steps, so none is let through here
    expect(children(history, dist).filter((x) => x === 7 || x === 9)).toEqual([]);
    // a neighbour that is pending in the same batch counts as tried too
    const s = createEvolutionStrategy();
    const withPending = (seed: number, pending: number[]) => {
      const ctx = { history, trialNumber: 10, rng: createRng(seed), direction: "minimize" as const, pending: pending.map((x, i) => ({ number: 10 + i, params: { x }, distributions: { x: dist } })) };
      s.beforeTrial!(ctx);
      return s.sample(ctx, "x", dist) as number;
    };
    const free = Array.from({ length: 200 }, (_, seed) => withPending(seed, []));
    expect(free.filter((x) => x === 10).length).toBeGreaterThan(0);
    expect(Array.from({ length: 200 }, (_, seed) => withPending(seed, [10, 6]))).not.toContain(10);
  });

  it("does not spend a trial on a configuration already tried (a small discrete space)", async () => {
    const study = new Study({ studyId: "evo", strategy: createEvolutionStrategy(), direction: "minimize", seed: 5, store: new MemoryTrialStore(), batchSize: 1 });
    // 8 x 4 x 2 = 64 configurations; the children of one parent soon cover its one-step neighbours
    const space = (s: Suggest) => Math.abs(s.int("a", 1, 8) - 5) + Math.abs(s.int("b", 1, 4) - 2) + (s.bool("c") ? 0 : 1);
    const seen = new Set<string>();
    for (let n = 0; n < 40; n++) {
      let value = NaN;
      const p = (await study.ask(n, (s) => (value = space(s))))!;
      await study.tell(n, value);
      const key = JSON.stringify(Object.entries(p.params).sort());
      // the random phase may repeat itself; a child does not
      if (n >= 10) expect(seen.has(key)).toBe(false);
      seen.add(key);
    }
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
