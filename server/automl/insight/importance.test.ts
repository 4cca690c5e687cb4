import { describe, expect, it } from "vitest";
import { createRng } from "../rng";
import { MAX_FIT_TRIALS, MIN_TRIALS_FOR_IMPORTANCE, paramImportance } from "./importance";
import { inferAxes } from "./param-axes";
import type { ScoredTrial } from "./types";

/**
 * y = 10·u(lr) + 3·x2 + (optimizer "sgd" ? 3 : 0) + noise, where u(lr) is the learning rate's position on its log
 * scale; x3, a boolean `shuffle` and `momentum`, asked only when shuffling, do not matter. Variances of the main effects:
 * lr 100/12 ≈ 8.3, optimizer 2, x2 9/12 = 0.75, the rest 0.
 */
function synthetic(n: number, seed = 1): ScoredTrial[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, number) => {
    const u = rng.float();
    const x2 = rng.float();
    const optimizer = rng.choice(["adam", "sgd", "rmsprop"]);
    const shuffle = rng.float() < 0.5;
    const params: ScoredTrial["params"] = { lr: 1e-4 * 1000 ** u, x2, x3: rng.float(), optimizer, shuffle };
    if (shuffle) params.momentum = rng.float();
    return { number, params, value: 10 * u + 3 * x2 + (optimizer === "sgd" ? 3 : 0) + rng.normal(0, 0.1) };
  });
}

const byName = (result: ReturnType<typeof paramImportance>) => Object.fromEntries(result!.params.map((p) => [p.name, p.importance]));

describe("paramImportance (fANOVA on a random forest)", () => {
  it("ranks the hyperparameters by how much of the objective they explain, with clear margins", () => {
    const trials = synthetic(600);
    const result = paramImportance(trials, inferAxes(trials.map((t) => t.params)))!;
    const imp = byName(result);
    console.log("importances:", Object.entries(imp).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(", "));
    expect(result.params.map((p) => p.name).slice(0, 3)).toEqual(["lr", "optimizer", "x2"]);
    expect(result.params.reduce((a, p) => a + p.importance, 0)).toBeCloseTo(1, 9);
    expect(imp.lr).toBeGreaterThan(0.55);
    expect(imp.optimizer).toBeGreaterThan(2 * imp.x2);
    expect(imp.x2).toBeGreaterThan(0.015);
    for (const idle of ["x3", "shuffle", "momentum"]) expect(imp[idle]).toBeLessThan(imp.x2 / 3);
    expect(result.trialsUsed).toBe(600);
  });

  it("gives all the importance to the only hyperparameter that matters, categorical or numeric", () => {
    const rng = createRng(3);
    const trials: ScoredTrial[] = Array.from({ length: 200 }, (_, number) => {
      const act = rng.choice(["relu", "tanh", "gelu"]);
      return { number, params: { act, width: rng.int(1, 8) }, value: act === "tanh" ? 1 : 0 };
    });
    const imp = byName(paramImportance(trials, inferAxes(trials.map((t) => t.params))));
    expect(imp.act).toBeGreaterThan(0.99);
    expect(imp.width).toBeLessThan(0.01);
  });

  it("is deterministic", () => {
    const trials = synthetic(300, 7);
    const axes = inferAxes(trials.map((t) => t.params));
    expect(paramImportance(trials, axes)).toEqual(paramImportance(trials, axes));
  });

  it("needs a few trials and some varying hyperparameter; a constant objective gives all zeros", () => {
    const few = synthetic(MIN_TRIALS_FOR_IMPORTANCE - 1);
    expect(paramImportance(few, inferAxes(few.map((t) => t.params)))).toBeNull();
    const trials = synthetic(50).map((t) => ({ ...t, value: 0.5 }));
    expect(paramImportance(trials, [])).toBeNull();
    const flat = paramImportance(trials, inferAxes(trials.map((t) => t.params)))!;
    expect(flat.params.every((p) => p.importance === 0)).toBe(true);
  });

  it("fits 10,000 trials with 12 hyperparameters in well under 2 s (on an evenly spread subsample)", () => {
    const rng = createRng(11);
    const trials: ScoredTrial[] = Array.from({ length: 10_000 }, (_, number) => {
      const params: ScoredTrial["params"] = {};
      for (let p = 0; p < 9; p++) params[`x${p}`] = rng.float();
      params.act = rng.choice(["relu", "tanh", "elu", "gelu", "selu"]);
      params.norm = rng.float() < 0.5;
      if (params.act === "relu") params.leak = rng.float();
      return { number, params, value: (params.x0 as number) * 4 + (params.x1 as number) + (params.act === "tanh" ? 1 : 0) + rng.normal(0, 0.1) };
    });
    const start = performance.now();
    const axes = inferAxes(trials.map((t) => t.params));
    const result = paramImportance(trials, axes)!;
    const ms = performance.now() - start;
    console.log(`importance: ${trials.length} trials, ${axes.length} hyperparameters in ${ms.toFixed(0)} ms (fitted on ${result.trialsUsed})`);
    expect(axes).toHaveLength(12);
    expect(result.trialsUsed).toBe(MAX_FIT_TRIALS);
    expect(result.params[0].name).toBe("x0");
    expect(ms).toBeLessThan(2000);
  });
});
