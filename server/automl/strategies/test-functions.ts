/**
 * Classic optimisation benchmarks for strategy tests, each with its domain and known minimum, so a test
 * can say "strategy X beats random on Branin" through a real Study. All are minimised.
 */
import type { Suggest } from "../space/suggest";
import { MemoryTrialStore } from "../store/memory-trial-store";
import { Study } from "../study";
import type { Strategy } from "./strategy";

export interface TestFunction {
  name: string;
  /** defines the space and returns the objective at the values asked */
  evaluate(s: Suggest): number;
  /** the global minimum value */
  minimum: number;
}

/** Branin-Hoo on x1 in [-5, 10], x2 in [0, 15]: three global minima of 0.397887 */
export function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

/** the sum of squares, minimum 0 at the origin */
export function sphere(xs: readonly number[]): number {
  return xs.reduce((sum, x) => sum + x * x, 0);
}

/** Rosenbrock's banana valley, minimum 0 at (1, ..., 1) */
export function rosenbrock(xs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i + 1 < xs.length; i++) sum += 100 * (xs[i + 1] - xs[i] ** 2) ** 2 + (1 - xs[i]) ** 2;
  return sum;
}

export const BRANIN: TestFunction = {
  name: "branin",
  evaluate: (s) => branin(s.float("x1", -5, 10), s.float("x2", 0, 15)),
  minimum: 0.397887,
};

/** `dims`-dimensional sphere on [-5, 5]^dims */
export const sphereFunction = (dims: number): TestFunction => ({
  name: `sphere-${dims}`,
  evaluate: (s) => sphere(Array.from({ length: dims }, (_, i) => s.float(`x${i}`, -5, 5))),
  minimum: 0,
});

/** `dims`-dimensional Rosenbrock on [-2, 2]^dims */
export const rosenbrockFunction = (dims: number): TestFunction => ({
  name: `rosenbrock-${dims}`,
  evaluate: (s) => rosenbrock(Array.from({ length: dims }, (_, i) => s.float(`x${i}`, -2, 2))),
  minimum: 0,
});

/** Hartmann-6's coefficients (Dixon and Szegő 1978): four Gaussian wells of weight ALPHA, shape A, centre P */
const HARTMANN6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const HARTMANN6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const HARTMANN6_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

/** Hartmann-6 on [0, 1]^6: one global minimum of -3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573) */
export function hartmann6(xs: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let exponent = 0;
    for (let j = 0; j < 6; j++) exponent += HARTMANN6_A[i][j] * (xs[j] - HARTMANN6_P[i][j]) ** 2;
    sum += HARTMANN6_ALPHA[i] * Math.exp(-exponent);
  }
  return -sum;
}

export const HARTMANN6: TestFunction = {
  name: "hartmann6",
  evaluate: (s) => hartmann6(Array.from({ length: 6 }, (_, i) => s.float(`x${i + 1}`, 0, 1))),
  minimum: -3.32237,
};

/**
 * A conditional, mixed space shaped like a model-family choice, global minimum 0. A Choice `kind` picks
 * the branch, and each branch asks for its own names (so a strategy must learn them per branch):
 *   - "a" (the best branch, like a learning rate and a depth that interact): `a_lr` log-float in
 *     [1e-5, 1] and `a_depth` int in [1, 16]; ((log10 lr + 3 + (depth - 8) / 4)^2) / 4 + ((depth - 8) / 6)^2,
 *     0 at depth 8, lr 1e-3 (the best lr moves with the depth, so the two must be tuned together);
 *   - "b": floats `b_u`, `b_v` in [0, 1]; 0.3 + 2 (u - 0.7)^2 + 10 (v - u^2)^2, a curved valley of floor 0.3
 *     at (0.7, 0.49);
 *   - "c": Boolean `c_flag` and float `c_w` in [-1, 1]; 0.6 + w^2 with the flag on, 1.1 + |w - 0.5| off.
 * Every branch's floor is reachable, so a strategy that settles on the wrong branch keeps a regret of
 * at least 0.3.
 */
export function mixed(params: Readonly<Record<string, string | number | boolean>>): number {
  switch (params.kind) {
    case "a": {
      const depth = params.a_depth as number;
      return (Math.log10(params.a_lr as number) + 3 + (depth - 8) / 4) ** 2 / 4 + ((depth - 8) / 6) ** 2;
    }
    case "b": {
      const u = params.b_u as number;
      return 0.3 + 2 * (u - 0.7) ** 2 + 10 * ((params.b_v as number) - u ** 2) ** 2;
    }
    case "c": {
      const w = params.c_w as number;
      return params.c_flag ? 0.6 + w ** 2 : 1.1 + Math.abs(w - 0.5);
    }
    default:
      throw new Error(`mixed: unknown kind ${JSON.stringify(params.kind)}`);
  }
}

export const MIXED: TestFunction = {
  name: "mixed",
  evaluate: (s) => {
    const kind = s.choice("kind", ["a", "b", "c"]);
    if (kind === "a") return mixed({ kind, a_lr: s.float("a_lr", 1e-5, 1, { log: true }), a_depth: s.int("a_depth", 1, 16) });
    if (kind === "b") return mixed({ kind, b_u: s.float("b_u", 0, 1), b_v: s.float("b_v", 0, 1) });
    return mixed({ kind, c_flag: s.bool("c_flag"), c_w: s.float("c_w", -1, 1) });
  },
  minimum: 0,
};

/** Runs `trials` trials of `fn` through a Study (minimising) and returns the best value found. */
export async function bestFound(strategy: Strategy, fn: TestFunction, opts: { trials: number; seed: number; batchSize?: number }): Promise<number> {
  const study = new Study({ studyId: fn.name, strategy, direction: "minimize", seed: opts.seed, store: new MemoryTrialStore(), batchSize: opts.batchSize ?? 1 });
  let best = Infinity;
  for (let n = 0; n < opts.trials; n++) {
    let value = NaN;
    const proposal = await study.ask(n, (s) => (value = fn.evaluate(s)));
    if (!proposal) throw new Error(`trial ${n} not ready`);
    await study.tell(n, value);
    best = Math.min(best, value);
  }
  return best;
}

/** the median of `xs` */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
}
