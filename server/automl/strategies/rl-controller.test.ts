import { describe, expect, it } from "vitest";
import { createRng, deriveSeed } from "../rng";
import { contains, describeDistribution, type Distribution, type ParamValue } from "../space/distributions";
import type { Suggest } from "../space/suggest";
import type { FinishedTrial } from "../space/trial-record";
import { MemoryTrialStore } from "../store/memory-trial-store";
import { Study } from "../study";
import { createRandomStrategy } from "./random";
import { createRlControllerStrategy, rlPolicy } from "./rl-controller";
import type { Strategy } from "./strategy";
import { contractHistory, strategyContract } from "./strategy.contract";
import { BRANIN, median } from "./test-functions";

strategyContract("rl", () => createRlControllerStrategy());
strategyContract("rl (fast learner, entropy bonus, 4 bins)", () => createRlControllerStrategy({ learningRate: 2, bins: 4, entropyWeight: 0.1 }));

/** runs `trials` trials one at a time and returns every proposal with its value */
async function optimise(strategy: Strategy, opts: { seed: number; trials: number; space: (s: Suggest) => number; direction?: "maximize" | "minimize"; batchSize?: number }) {
  const study = new Study({ studyId: "rl", strategy, direction: opts.direction ?? "minimize", seed: opts.seed, store: new MemoryTrialStore(), batchSize: opts.batchSize ?? 1 });
  const runs: { params: Record<string, ParamValue>; value: number }[] = [];
  for (let n = 0; n < opts.trials; n++) {
    let value = NaN;
    const p = (await study.ask(n, (s) => (value = opts.space(s))))!;
    await study.tell(n, value);
    runs.push({ params: p.params, value });
  }
  return { runs, history: await study.trials() };
}

/** asks `s` for a value of `dist` */
function ask(s: Suggest, name: string, dist: Distribution): ParamValue {
  switch (dist.kind) {
    case "int":
      return s.int(name, dist.low, dist.high, { step: dist.step, log: dist.log });
    case "float":
      return s.float(name, dist.low, dist.high, { step: dist.step, log: dist.log });
    case "choice":
      return s.choice(name, dist.choices);
    case "bool":
      return s.bool(name);
    case "fixed":
      return s.fixed(name, dist.value);
  }
}

const OPTIONS = ["a", "b", "c", "d"];
const OPT: Distribution = { kind: "choice", choices: OPTIONS };
const SCORE: Record<string, number> = { a: 0.2, b: 0.5, c: 1.0, d: 0.3 };

describe("rl controller", () => {
  it("concentrates on the best option of a choice-only problem within 60 trials", async () => {
    for (const direction of ["maximize", "minimize"] as const) {
      const sign = direction === "maximize" ? 1 : -1;
      const space = (s: Suggest) => sign * SCORE[s.choice("opt", OPTIONS) as string];
      for (const seed of [1, 2, 3]) {
        const { history } = await optimise(createRlControllerStrategy(), { seed, trials: 60, space, direction });
        const probs = rlPolicy(history, direction).probabilities("opt", OPT);
        expect(probs[OPTIONS.indexOf("c")]).toBeGreaterThan(0.6);
      }
    }
  });

  // Measured with the defaults, seeds 1-5 (seeds 1-40 in brackets), minimising Branin over 60 trials:
  //   median best found:                rl 0.69 (0.91)   random 1.69 (0.89)
  //   median of the last 20 values:     rl 24.7 (26.4)   random 37.0 (38.9)
  // REINFORCE learns where Branin is low (its later proposals are clearly better than random ones), but
  // 60 trials are too few for a factorised, binned policy to turn that into a better best: over 40 seeds
  // its best is on par with random search. The 5-seed win on the best is random's bad luck on those
  // seeds, so the test asserts what holds up: the shift of the typical proposal, and a good best.
  it("learns where Branin is low within 60 trials (median of 5 seeds)", async () => {
    const space = (s: Suggest) => BRANIN.evaluate(s);
    const summary = async (make: () => Strategy) => {
      const late: number[] = [];
      const best: number[] = [];
      for (let seed = 1; seed <= 5; seed++) {
        const { runs } = await optimise(make(), { seed, trials: 60, space });
        const values = runs.map((r) => r.value);
        late.push(median(values.slice(-20)));
        best.push(Math.min(...values));
      }
      return { late: median(late), best: median(best) };
    };
    const rl = await summary(() => createRlControllerStrategy());
    const random = await summary(() => createRandomStrategy());
    expect(rl.late).toBeLessThan(0.8 * random.late);
    expect(rl.best).toBeLessThan(1);
  });

  it("keeps values inside log, step, int and tiny ranges while the policy is trained", async () => {
    const dists: Record<string, Distribution> = {
      intLogNarrow: { kind: "int", low: 1, high: 20, step: 1, log: true }, // low log slices hold no integer
      intLogWide: { kind: "int", low: 1, high: 1_000_000_000, step: 1, log: true },
      intSmall: { kind: "int", low: -2, high: 2, step: 1, log: false }, // fewer values than bins
      intStep: { kind: "int", low: 0, high: 994, step: 7, log: false },
      intTwo: { kind: "int", low: 3, high: 4, step: 1, log: false },
      floatStep: { kind: "float", low: 0, high: 1, log: false, step: 0.001 },
      floatStepCoarse: { kind: "float", low: 0.1, high: 0.7, log: false, step: 0.3 },
      floatLog: { kind: "float", low: 1e-8, high: 1, log: true },
      floatTiny: { kind: "float", low: 1, high: 1 + 1e-12, log: false },
      choiceMany: { kind: "choice", choices: Array.from({ length: 30 }, (_, i) => `c${i}`) },
    };
    const space = (s: Suggest) => {
      let score = 0;
      for (const [name, dist] of Object.entries(dists)) {
        const v = ask(s, name, dist);
        if (typeof v === "number") score += Math.log1p(Math.abs(v));
      }
      return score;
    };
    const { runs, history } = await optimise(createRlControllerStrategy({ learningRate: 1 }), { seed: 5, trials: 40, space, batchSize: 4 });
    for (const r of runs) for (const [name, dist] of Object.entries(dists)) expect(contains(dist, r.params[name]), `${r.params[name]} in ${describeDistribution(dist)}`).toBe(true);
    const strategy = createRlControllerStrategy({ learningRate: 1 });
    const seen = new Set<ParamValue>();
    for (let seed = 0; seed < 400; seed++) {
      const ctx = { history, trialNumber: history.length, rng: createRng(seed), direction: "minimize" as const };
      strategy.beforeTrial?.(ctx);
      for (const [name, dist] of Object.entries(dists)) {
        const v = strategy.sample(ctx, name, dist);
        if (!contains(dist, v)) throw new Error(`${v} outside ${describeDistribution(dist)}`);
        if (name === "intLogNarrow") seen.add(v);
      }
    }
    expect(seen.size).toBe(20); // every integer of the narrow log range stays reachable
  });

  it("gives one bin per value to small ranges and `bins` slices to large ones", () => {
    const bins = (dist: Distribution, n = 8) => rlPolicy([], "maximize", { bins: n }).probabilities("x", dist).length;
    expect(bins({ kind: "int", low: 0, high: 4, step: 1, log: false })).toBe(5);
    expect(bins({ kind: "int", low: 0, high: 100, step: 1, log: false })).toBe(8);
    expect(bins({ kind: "float", low: 0.01, high: 1, log: true }, 10)).toBe(10);
    expect(bins({ kind: "choice", choices: Array.from({ length: 12 }, (_, i) => i) })).toBe(12);
    expect(bins({ kind: "bool" })).toBe(2);
    expect(bins({ kind: "int", low: 1, high: 20, step: 1, log: true })).toBeLessThan(8); // empty log slices dropped
  });

  it("gives the same proposals from one long-lived instance as from a fresh instance per trial", async () => {
    const space = (s: Suggest) => {
      const depth = s.int("depth", 1, 3);
      let loss = Math.abs(Math.log10(s.float("lr", 1e-4, 1e-1, { log: true })) + 2.5);
      for (let i = 0; i < depth; i++) loss += s.int(`units_${i}`, 4, 64, { log: true }) / 64;
      return loss + (s.bool("dropout") ? s.float("rate", 0, 0.5, { step: 0.1 }) : 0.2);
    };
    let current: Strategy;
    const freshPerTrial: Strategy = {
      name: "rl",
      beforeTrial(ctx) {
        current = createRlControllerStrategy();
        current.beforeTrial?.(ctx);
      },
      sample: (ctx, name, dist) => current.sample(ctx, name, dist),
    };
    const shared = await optimise(createRlControllerStrategy(), { seed: 11, trials: 48, space, batchSize: 4 });
    const fresh = await optimise(freshPerTrial, { seed: 11, trials: 48, space, batchSize: 4 });
    expect(fresh.runs).toEqual(shared.runs);
    // a trial's proposal depends only on its seed and the history, whatever the instance sampled before
    const strategy = createRlControllerStrategy();
    const dists = { lr: shared.history[0].distributions.lr, depth: shared.history[0].distributions.depth };
    const sampleTrial = (n: number) => {
      const ctx = { history: shared.history.slice(0, 40), trialNumber: n, rng: createRng(deriveSeed(11, n)), direction: "minimize" as const };
      strategy.beforeTrial?.(ctx);
      return Object.entries(dists).map(([name, dist]) => strategy.sample(ctx, name, dist));
    };
    const first = sampleTrial(44);
    sampleTrial(45);
    expect(sampleTrial(44)).toEqual(first);
  });

  it("learns a decision only from the trials that asked for it", () => {
    const history: FinishedTrial[] = Array.from({ length: 30 }, (_, number) => {
      const dropout = number % 2 === 0;
      const params: Record<string, ParamValue> = { opt: OPTIONS[number % 4], dropout };
      const distributions: Record<string, Distribution> = { opt: OPT, dropout: { kind: "bool" } };
      if (dropout) {
        params.rate = number % 4 === 0 ? "low" : "high";
        distributions.rate = { kind: "choice", choices: ["low", "high"] };
      }
      return { number, params, distributions, value: SCORE[params.opt as string], state: "complete" };
    });
    const policy = rlPolicy(history, "maximize");
    expect(policy.probabilities("opt", OPT)[2]).toBeGreaterThan(0.25);
    expect(policy.probabilities("neverAsked", OPT)).toEqual([0.25, 0.25, 0.25, 0.25]);
    // "rate" was asked with "low" exactly when opt was a (worst) and "high" when opt was c (best)
    const rate = policy.probabilities("rate", { kind: "choice", choices: ["low", "high"] });
    expect(rate[1]).toBeGreaterThan(rate[0]);
    // the same name with another distribution is a new decision, untrained
    expect(policy.probabilities("opt", { kind: "choice", choices: ["a", "b"] })).toEqual([0.5, 0.5]);
  });

  it("gives failed trials the worst reward", () => {
    const history: FinishedTrial[] = Array.from({ length: 40 }, (_, number) => {
      const opt = OPTIONS[number % 4];
      const failed = opt === "c";
      return { number, params: { opt }, distributions: { opt: OPT }, value: failed ? null : SCORE[opt], state: failed ? "failed" : "complete" };
    });
    const probs = rlPolicy(history, "maximize").probabilities("opt", OPT);
    expect(Math.min(...probs)).toBe(probs[OPTIONS.indexOf("c")]);
  });

  it("replays a long history quickly", () => {
    const history = contractHistory(2000);
    rlPolicy(history.slice(0, 100), "maximize"); // warm the JIT
    const start = performance.now();
    rlPolicy(history, "maximize");
    expect(performance.now() - start).toBeLessThan(1000);
  });

  it("validates its options", () => {
    expect(() => createRlControllerStrategy({ learningRate: 0 })).toThrow();
    expect(() => createRlControllerStrategy({ bins: 1 })).toThrow();
    expect(() => createRlControllerStrategy({ bins: 2.5 })).toThrow();
    expect(() => createRlControllerStrategy({ baselineDecay: 1 })).toThrow();
    expect(() => createRlControllerStrategy({ entropyWeight: -0.1 })).toThrow();
    expect(() => createRlControllerStrategy({ temperature: 1 })).toThrow();
    expect(createRlControllerStrategy(undefined).name).toBe("rl");
  });
});
