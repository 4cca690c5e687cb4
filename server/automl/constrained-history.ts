/**
 * Constrained optimisation for every strategy, as Optuna's samplers take a `constraints_func`: a trial that breaks the
 * constraints (FinishedTrial.violation > 0) ranks below every feasible one, and infeasible trials rank among
 * themselves by how far they break them. Strategies only read values, so the study hands them infeasible trials with
 * a value worse than every feasible value (further for a larger violation): TPE puts them in its "bad" set and
 * samples away from them, GP and the RL controller learn a low reward there, evolution prefers feasible parents. The raw values stay in the store; only the strategies' view changes.
 */
import type { Direction, FinishedTrial } from "./space/trial-record";

export const isInfeasible = (t: Pick<FinishedTrial, "violation">) => (t.violation ?? 0) > 0;

/** the history a strategy learns from: infeasible trials' values moved below every feasible one's */
export function constrainedHistory(history: readonly FinishedTrial[], direction: Direction): readonly FinishedTrial[] {
  if (!history.some((t) => isInfeasible(t) && t.value !== null)) return history;
  const valued = history.filter((t) => t.value !== null);
  const feasible = valued.filter((t) => !isInfeasible(t));
  // with no feasible value yet, the infeasible values themselves set the scale
  const reference = (feasible.length > 0 ? feasible : valued).map((t) => t.value as number);
  const sign = direction === "maximize" ? 1 : -1;
  const worst = sign * Math.min(...reference.map((v) => sign * v));
  const spread = Math.max(...reference) - Math.min(...reference) || Math.max(Math.abs(worst), 1) * 0.1;
  return history.map((t) => {
    if (!isInfeasible(t) || t.value === null) return t;
    // log1p keeps a huge violation from stretching the scale a model-based strategy normalises by
    return { ...t, value: worst - sign * spread * (1 + Math.log1p(t.violation!)) };
  });
}
