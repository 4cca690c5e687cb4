/**
 * One benchmark run: a registered strategy minimising one test function through a real Study, one trial
 * at a time (batchSize 1, so every ask sees every earlier result), recording the best value so far after
 * each evaluation.
 */
import { MemoryTrialStore } from "../../server/automl/store/memory-trial-store";
import { createStrategy } from "../../server/automl/strategies/index";
import type { TestFunction } from "../../server/automl/strategies/test-functions";
import { Study } from "../../server/automl/study";

export interface RunResult {
  /** the best value found after evaluation 1, 2, ... (shorter than the budget when the strategy stopped early) */
  best: number[];
  seconds: number;
  /** why the strategy stopped before the budget (e.g. an exhausted grid), or refused the space at trial 0 */
  stopped?: { after: number; reason: string };
}

/** `options` are the strategy's own documented options (createStrategy validates them) */
export async function runStrategy(strategyName: string, options: unknown, fn: TestFunction, seed: number, evals: number): Promise<RunResult> {
  const study = new Study({ studyId: fn.name, strategy: createStrategy(strategyName, options), direction: "minimize", seed, store: new MemoryTrialStore(), batchSize: 1 });
  const best: number[] = [];
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  for (let n = 0; n < evals; n++) {
    let value = NaN;
    try {
      const proposal = await study.ask(n, (s) => (value = fn.evaluate(s)));
      // with batchSize 1 and every earlier trial told, a trial is always ready
      if (!proposal) throw new Error(`trial ${n} was not ready`);
    } catch (err) {
      // a strategy that cannot go on (a grid too large for its maxPoints, or one that is exhausted) says why
      return { best, seconds: seconds(), stopped: { after: n, reason: err instanceof Error ? err.message : String(err) } };
    }
    await study.tell(n, value);
    best.push(Math.min(value, best.at(-1) ?? Infinity));
  }
  return { best, seconds: seconds() };
}
