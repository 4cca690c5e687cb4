/** The functions `npm run bench:search` minimises, with the optimum each regret is measured from. */
import { BRANIN, branin, HARTMANN6, MIXED, type TestFunction } from "../../server/automl/strategies/test-functions";

export interface BenchFunction {
  fn: TestFunction;
  /** the global minimum value: regret = best found - optimum */
  optimum: number;
}

export const BENCH_FUNCTIONS: Record<string, BenchFunction> = {
  // BRANIN.minimum is rounded to 6 decimals, below which a good run would show a negative regret;
  // (pi, 2.275) is one of its three minimisers
  branin: { fn: BRANIN, optimum: branin(Math.PI, 2.275) },
  hartmann6: { fn: HARTMANN6, optimum: HARTMANN6.minimum },
  mixed: { fn: MIXED, optimum: MIXED.minimum },
};
