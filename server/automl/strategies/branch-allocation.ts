/**
 * Branch allocation: how a model-based strategy shares trials between the branches of a top-level choice (the model
 * family) without exhausting one. Alone, TPE treats the family as one more categorical: once the good trials all
 * belong to one family, l(family) stays on it while g(family) catches up only slowly, so a cheap family that plateaus
 * early (a linear model scoring the same to four decimals at every small penalty) takes most of the budget and the
 * others are left at their random draws. This wrapper takes the choice away from the inner strategy and draws it as
 * FLAML does its learners (Wang et al. 2021, "estimated cost for improvement", ECI), in the study's budget unit: the
 * trials' `cost` (seconds, under a wall-clock budget) or, where the trials carry none, one trial each, so that the same
 * seed and trial budget still give the same proposals:
 *
 *   - a branch's own pace: ECI1 = max(spent since its best, what its last improvement took, its typical trial);
 *   - a branch behind the leader must also close the gap at that pace: ECI2 = gap / (last gain / what it took);
 *   - ECI = max(ECI1, ECI2); a branch never tried counts as the most promising tried one, so every branch is tried;
 *   - the branch is drawn with probability proportional to 1 / ECI, so every branch keeps a chance.
 *
 * So a branch that stopped improving, or whose trials cost more for the same pace, gets fewer trials; under
 * constraints, so does a branch whose trials mostly break them. The proposals of the trial's own batch (pending) count
 * as spent on their branch at its typical cost, so a batch spreads. Parameters under the chosen branch (named
 * `branch.` + name) are sampled from that branch's trials only: the allocation now decides between branches, so within
 * one the strategy should exploit the branch's own best trials rather than wait for them to be globally good. Until
 * `startup` trials have finished the inner strategy makes every choice, so the proposals of its startup are unchanged.
 */
import { z } from "zod";
import { enumerate, type ParamValue } from "../space/distributions";
import type { FinishedTrial } from "../space/trial-record";
import type { SampleContext, Strategy } from "./strategy";
import { isInfeasible } from "../constrained-history";

export const branchAllocationOptionsSchema = z
  .object({
    /** the top-level choice whose values name the branches */
    key: z.string().min(1),
    /** finished trials before the allocation takes over (the inner strategy's random startup) */
    startup: z.number().int().nonnegative(),
  })
  .strict();

export type BranchAllocationOptions = z.infer<typeof branchAllocationOptionsSchema>;

/**
 * `inner` makes every choice during the startup and the choices outside the branches after it; `withinBranch` (by
 * default `inner`) samples a chosen branch's parameters from that branch's trials, which are a fraction of the run's,
 * so it is usually the same strategy with a shorter random startup of its own.
 */
export function withBranchAllocation(inner: Strategy, options: BranchAllocationOptions, withinBranch: Strategy = inner): Strategy {
  const { key, startup } = branchAllocationOptionsSchema.parse(options);
  const allocating = (ctx: SampleContext) => ctx.history.length >= startup;
  // one narrowed context per trial and branch, so the inner strategy's own per-trial decisions are made once
  const narrowed = new WeakMap<SampleContext, Map<string, SampleContext>>();
  const branchContext = (ctx: SampleContext, branch: string): SampleContext => {
    const byBranch = narrowed.get(ctx) ?? new Map<string, SampleContext>();
    narrowed.set(ctx, byBranch);
    if (!byBranch.has(branch)) {
      const mine = (t: { params: Readonly<Record<string, ParamValue>> }) => t.params[key] === branch;
      byBranch.set(branch, { ...ctx, history: ctx.history.filter(mine), pending: ctx.pending?.filter(mine) });
    }
    return byBranch.get(branch)!;
  };
  const choices = new WeakMap<SampleContext, ParamValue>();
  return {
    name: inner.name,
    beforeTrial(ctx) {
      inner.beforeTrial?.(ctx);
    },
    sample(ctx, name, dist) {
      if (!allocating(ctx)) return inner.sample(ctx, name, dist);
      if (name === key && dist.kind === "choice") {
        const branch = drawBranch(ctx, key, enumerate(dist));
        choices.set(ctx, branch);
        return branch;
      }
      const branch = choices.get(ctx);
      if (typeof branch === "string" && name.startsWith(`${branch}.`)) return withinBranch.sample(branchContext(ctx, branch), name, dist);
      return inner.sample(ctx, name, dist);
    },
  };
}

/** a finished trial's recorded cost, if it has a usable one (FinishedTrial.cost) */
const recordedCost = (t: FinishedTrial): number | null => (t.cost !== undefined && Number.isFinite(t.cost) && t.cost > 0 ? t.cost : null);
/** a complete trial's finite value, or null */
const scoredValue = (t: FinishedTrial): number | null => (t.state === "complete" && t.value !== null && Number.isFinite(t.value) ? t.value : null);

/**
 * A branch's estimated cost to its next improvement (FLAML's ECI, in the study's budget unit), or null when it has no
 * trial yet. `pending`: its proposals still running, each counted at the branch's mean cost.
 */
export function estimatedCostToImprove(trials: readonly FinishedTrial[], pending: number, direction: SampleContext["direction"], leaderBest: number | null): number | null {
  if (trials.length + pending === 0) return null;
  const measured = trials.map(recordedCost).filter((c): c is number => c !== null);
  // the branch's typical trial: a failed trial without a cost, or a pending one, is counted at it
  const unit = measured.length === 0 ? 1 : measured.reduce((a, b) => a + b, 0) / measured.length;
  const better = (a: number, b: number) => (direction === "maximize" ? a > b : a < b);
  // where the branch's best-so-far improved: the budget spent by then, and the value reached
  const improvements: { at: number; value: number }[] = [];
  let spent = 0;
  for (const t of trials) {
    spent += recordedCost(t) ?? unit;
    const value = scoredValue(t);
    if (value === null) continue;
    const last = improvements.at(-1);
    if (!last || better(value, last.value)) improvements.push({ at: spent, value });
  }
  spent += pending * unit;
  const best = improvements.at(-1);
  // nothing scored yet: everything spent so far went without a result
  if (!best) return Math.max(spent, unit);
  const previous = improvements.at(-2);
  const took = best.at - (previous?.at ?? 0);
  const eci1 = Math.max(spent - best.at, took, unit);
  if (leaderBest === null || !better(leaderBest, best.value) || !previous) return eci1;
  const pace = Math.abs(best.value - previous.value) / took;
  return Math.max(eci1, pace > 0 ? Math.abs(leaderBest - best.value) / pace : Infinity);
}

function drawBranch(ctx: SampleContext, key: string, branches: readonly ParamValue[]): ParamValue {
  const ofBranch = (b: ParamValue) => ctx.history.filter((t) => t.params[key] === b);
  const scored = ctx.history.map(scoredValue).filter((v): v is number => v !== null);
  const leaderBest = scored.length === 0 ? null : ctx.direction === "maximize" ? Math.max(...scored) : Math.min(...scored);
  const pendingOf = (b: ParamValue) => (ctx.pending ?? []).filter((p) => p.params[key] === b).length;
  const eci = branches.map((b) => estimatedCostToImprove(ofBranch(b), pendingOf(b), ctx.direction, leaderBest));
  const tried = eci.filter((e): e is number => e !== null);
  // an untried branch is the cheapest bet: as likely as the most promising tried one
  const floor = tried.length === 0 ? 1 : Math.min(...tried);
  // under constraints only a feasible trial can improve: the expected cost of one is ECI / P(feasible), with P the
  // branch's feasible share so far (Laplace-smoothed, so a branch is never ruled out by a few infeasible trials)
  const constrained = ctx.history.some(isInfeasible);
  const feasibleShare = (b: ParamValue) => {
    const trials = ofBranch(b);
    return constrained ? (trials.filter((t) => !isInfeasible(t)).length + 1) / (trials.length + 2) : 1;
  };
  const weights = eci.map((e, i) => feasibleShare(branches[i]) / (e ?? floor));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = ctx.rng.float() * total;
  for (let i = 0; i < branches.length; i++) {
    u -= weights[i];
    if (u < 0) return branches[i];
  }
  return branches[branches.length - 1];
}
