/**
 * The suite every strategy must pass (Optuna runs one sampler suite against every sampler).
 * Usage, in a `*.test.ts` beside the strategy:
 *
 *   strategyContract("tpe", () => createStrategy("tpe"));
 *
 * `make` must return a fresh instance each time.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { contains, describeDistribution, fromUnit, type Distribution, type ParamValue } from "../space/distributions";
import type { Direction, FinishedTrial, TrialState } from "../space/trial-record";
import { Study } from "../study";
import { constrainedHistory } from "../constrained-history";
import { MemoryTrialStore } from "../store/memory-trial-store";
import type { Suggest } from "../space/suggest";
import type { SampleContext, Strategy } from "./strategy";

/** one of every kind, including log and step variants and degenerate ranges */
export const CONTRACT_DISTRIBUTIONS: Record<string, Distribution> = {
  int: { kind: "int", low: -3, high: 7, step: 1, log: false },
  intStep: { kind: "int", low: 8, high: 512, step: 8, log: false },
  intLog: { kind: "int", low: 1, high: 1024, step: 1, log: true },
  intSingle: { kind: "int", low: 5, high: 5, step: 1, log: false },
  float: { kind: "float", low: -1, high: 2.5, log: false },
  floatLog: { kind: "float", low: 1e-6, high: 1e-1, log: true },
  floatStep: { kind: "float", low: 0, high: 0.5, log: false, step: 0.05 },
  floatSingle: { kind: "float", low: 0.25, high: 0.25, log: false },
  choice: { kind: "choice", choices: ["relu", "tanh", 3, false] },
  choiceSingle: { kind: "choice", choices: ["only"] },
  bool: { kind: "bool" },
  fixed: { kind: "fixed", value: "adam" },
};

const deepFreeze = <T>(x: T): T => {
  if (x && typeof x === "object") {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
};

/** a synthetic history over every contract distribution: some conditional names missing, some failed or pruned */
export function contractHistory(size: number, seed = 1): FinishedTrial[] {
  const rng = createRng(seed);
  const states: TrialState[] = ["complete", "complete", "complete", "pruned", "failed"];
  return Array.from({ length: size }, (_, number) => {
    const params: Record<string, ParamValue> = {};
    const distributions: Record<string, Distribution> = {};
    for (const [name, dist] of Object.entries(CONTRACT_DISTRIBUTIONS)) {
      if (name === "intStep" && number % 3 === 0) continue; // a conditional parameter, absent in some trials
      params[name] = fromUnit(dist, rng.float());
      distributions[name] = dist;
    }
    const state = states[number % states.length];
    const value = state === "failed" ? null : rng.normal();
    return { number, params, distributions, value, state };
  });
}

function context(seed: number, history: FinishedTrial[], trialNumber = history.length, direction: Direction = "maximize"): SampleContext {
  return { history: deepFreeze(history), trialNumber, rng: createRng(seed), direction };
}

/** samples every contract distribution `rounds` times in one trial context */
function sampleAll(strategy: Strategy, ctx: SampleContext, rounds = 1): ParamValue[] {
  strategy.beforeTrial?.(ctx);
  const out: ParamValue[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [name, dist] of Object.entries(CONTRACT_DISTRIBUTIONS)) out.push(strategy.sample(ctx, rounds > 1 ? `${name}_${r}` : name, dist));
  }
  return out;
}

export function strategyContract(name: string, make: () => Strategy, opts: { seeded?: boolean } = {}): void {
  describe(`Strategy contract: ${name}`, () => {
    it("has a name", () => {
      expect(make().name).toMatch(/\S/);
    });

    for (const historySize of [0, 1, 17, 60]) {
      it(`keeps every value inside its distribution (history of ${historySize})`, () => {
        const history = contractHistory(historySize);
        for (let trial = 0; trial < 40; trial++) {
          const strategy = make();
          const ctx = context(1000 + trial, history);
          strategy.beforeTrial?.(ctx);
          for (const [param, dist] of Object.entries(CONTRACT_DISTRIBUTIONS)) {
            const value = strategy.sample(ctx, param, dist);
            if (!contains(dist, value)) throw new Error(`${name} proposed ${JSON.stringify(value)} for ${param}, outside ${describeDistribution(dist)}`);
          }
        }
      });
    }

    it("copes with infeasible trials in the history, as the study hands them over (constrained-history.ts)", () => {
      // every third trial breaks the constraints, some by far
      const raw = contractHistory(30).map((t) => (t.number % 3 === 1 ? { ...t, violation: t.number / 3 } : t));
      const history = [...constrainedHistory(raw, "maximize")];
      for (let trial = 0; trial < 10; trial++) {
        const values = sampleAll(make(), context(500 + trial, history));
        Object.values(CONTRACT_DISTRIBUTIONS).forEach((dist, i) => expect(contains(dist, values[i])).toBe(true));
        expect(sampleAll(make(), context(500 + trial, history))).toEqual(values);
      }
    });

    it("is deterministic for the same seed and history", () => {
      const history = contractHistory(25);
      expect(sampleAll(make(), context(42, history), 3)).toEqual(sampleAll(make(), context(42, history), 3));
      expect(sampleAll(make(), context(42, []), 3)).toEqual(sampleAll(make(), context(42, []), 3));
    });

    // a grid's point is a function of the trial number alone, by design
    it.skipIf(opts.seeded === false)("differs across seeds", () => {
      const history = contractHistory(25);
      const dist = CONTRACT_DISTRIBUTIONS.float;
      const values = new Set<ParamValue>();
      for (let seed = 0; seed < 20; seed++) {
        const strategy = make();
        const ctx = context(seed, history);
        strategy.beforeTrial?.(ctx);
        values.add(strategy.sample(ctx, "float", dist));
      }
      expect(values.size).toBeGreaterThanOrEqual(10);
    });

    it("copes with a history whose space differs (names missing, other ranges)", () => {
      const history = contractHistory(20).map((t) => ({
        ...t,
        distributions: { ...t.distributions, int: { kind: "int" as const, low: -100, high: 100, step: 1, log: false } },
      }));
      const strategy = make();
      const ctx = context(7, history);
      strategy.beforeTrial?.(ctx);
      const fresh: Distribution = { kind: "int", low: 0, high: 3, step: 1, log: false };
      expect(contains(fresh, strategy.sample(ctx, "int", fresh))).toBe(true);
      expect(contains(fresh, strategy.sample(ctx, "neverSeen", fresh))).toBe(true);
    });

    it("drives a study with a conditional space, identically whatever order results arrive in", async () => {
      const space = (s: Suggest) => {
        const depth = s.int("depth", 1, 3);
        for (let i = 0; i < depth; i++) s.int(`units_${i}`, 4, 64, { log: true });
        s.float("lr", 1e-4, 1e-1, { log: true });
        if (s.bool("dropout")) s.float("rate", 0, 0.5, { step: 0.1 });
        s.choice("act", ["relu", "tanh"]);
        return {};
      };
      const objective = (p: Record<string, ParamValue>) => -Math.abs(Math.log10(p.lr as number) + 2.5) - (p.depth as number) * 0.1;
      const run = async (order: (batch: number[]) => number[]) => {
        const study = new Study({ studyId: "contract", strategy: make(), direction: "maximize", seed: 9, store: new MemoryTrialStore(), batchSize: 4 });
        const proposals = [];
        for (let start = 0; start < 16; start += 4) {
          const batch = [];
          for (let n = start; n < start + 4; n++) batch.push(await study.ask(n, space));
          for (const p of batch) {
            expect(p).not.toBeNull();
            for (const [k, v] of Object.entries(p!.params)) expect(contains(p!.distributions[k], v)).toBe(true);
          }
          for (const i of order([0, 1, 2, 3])) {
            const p = batch[i]!;
            if (p.number % 5 === 4) await study.tell(p.number, null, "failed");
            else await study.tell(p.number, objective(p.params), p.number % 7 === 6 ? "pruned" : "complete");
          }
          proposals.push(...batch);
        }
        return proposals;
      };
      expect(await run((b) => b)).toEqual(await run((b) => [...b].reverse()));
    });
  });
}
