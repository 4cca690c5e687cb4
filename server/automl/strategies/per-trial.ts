import type { SampleContext } from "./strategy";

/**
 * Memoises a decision a strategy makes once per trial (a centre to zoom around, a parent to mutate), keyed by the
 * trial's sample context, so that every `sample` call of the trial agrees and nothing carries over to the next trial.
 */
export function perTrial<P>(decide: (ctx: SampleContext) => P): (ctx: SampleContext) => P {
  const decisions = new WeakMap<SampleContext, P>();
  return (ctx) => {
    if (!decisions.has(ctx)) decisions.set(ctx, decide(ctx));
    return decisions.get(ctx) as P;
  };
}
