/**
 * Grid search, enumerated lazily. Define-by-run means the full grid is not known up front (a name may
 * exist only in some branches), so trial n's point is read off n as a mixed-radix number over the
 * hyperparameters in the order the space asks them: the first name asked takes digit n mod r1, the
 * next floor(n / r1) mod r2, and so on, where r is the size of that name's grid (known when it is asked).
 * Trial n's point is therefore a pure function of n, whatever the batch size or the order results arrive
 * in, and a conditional sub-space simply varies among the trials that reach it.
 *
 * It uses no randomness, by design: coverage must not depend on which trials of a batch see which.
 * Exhaustion is read from the history (every combination seen): until then, trials past the end of the
 * grid wrap around and repeat points, so a batch that straddles the end may repeat a few.
 */
import { z } from "zod";
import { cardinality, enumerate, sameDistribution, valueAt, type Distribution, type ParamValue } from "../space/distributions";
import { RecordingSuggest } from "../space/recording-suggest";
import type { Suggest } from "../space/suggest";
import type { FinishedTrial, SampleContext, Strategy } from "./strategy";

export const gridOptionsSchema = z
  .object({
    /** grid points along a continuous (or large) dimension */
    pointsPerDimension: z.number().int().min(1).default(5),
    /** the largest grid a caller should accept (see `gridSize`) */
    maxPoints: z.number().int().min(1).default(10_000),
  })
  .strict();
export type GridOptions = z.infer<typeof gridOptionsSchema>;

/**
 * The grid of one hyperparameter: every value when there are at most `points`, else `points` values
 * evenly spaced on the (log) scale, snapped to the step grid (duplicates after snapping dropped).
 */
export function gridValues(dist: Distribution, points: number): ParamValue[] {
  const n = cardinality(dist);
  if (n <= points || dist.kind === "choice" || dist.kind === "bool" || dist.kind === "fixed") return enumerate(dist);
  const us = points === 1 ? [0.5] : Array.from({ length: points }, (_, i) => i / (points - 1));
  if (dist.kind === "int" && dist.log) {
    const lo = Math.log(dist.low);
    const hi = Math.log(dist.high);
    return unique(us.map((u) => Math.min(dist.high, Math.max(dist.low, Math.round(Math.exp(lo + u * (hi - lo)))))));
  }
  if (Number.isFinite(n)) return unique(us.map((u) => valueAt(dist, Math.round(u * (n - 1)))));
  const { low, high, log } = dist as Extract<Distribution, { kind: "float" }>; // a continuous float
  const at = (u: number) => (log ? Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))) : low + u * (high - low));
  return unique(us.map((u) => Math.min(high, Math.max(low, at(u)))));
}

/**
 * How many points the grid over a fixed (non-conditional) space has, so a caller can refuse a run
 * early: "the grid has N points, more than the trial budget M" or more than `maxPoints`.
 */
export function gridSize(space: Record<string, Distribution>, pointsPerDimension = 5): number {
  return Object.values(space).reduce((size, dist) => size * gridValues(dist, pointsPerDimension).length, 1);
}

/**
 * A lower bound on the grid of a define-by-run space: the grid of the names one walk through it asks, taking the
 * last grid value of every hyperparameter (the most layers, the last branch). Conditional names of other branches
 * only add points, so a run can be refused when even this bound exceeds its budget.
 */
export function gridSizeAtLeast(defineSpace: (s: Suggest) => unknown, pointsPerDimension = 5): number {
  const suggest = new RecordingSuggest((_name, dist) => gridValues(dist, pointsPerDimension).at(-1)!, "the grid size");
  defineSpace(suggest);
  return gridSize(suggest.distributions, pointsPerDimension);
}

export function createGridStrategy(options: unknown = {}): Strategy {
  const { pointsPerDimension: points, maxPoints } = gridOptionsSchema.parse(options ?? {});
  // per-trial cursor: what is left of n after the digits taken so far, and the grid size seen so far
  const cursors = new WeakMap<SampleContext, { rest: number; size: number }>();
  const cursor = (ctx: SampleContext) => {
    let c = cursors.get(ctx);
    if (!c) cursors.set(ctx, (c = { rest: ctx.trialNumber, size: 1 }));
    return c;
  };

  return {
    name: "grid",
    beforeTrial(ctx) {
      const covered = coverage(ctx.history, 0, points);
      if (ctx.history.length > 0 && covered.full) {
        throw new Error(`the grid is exhausted: all ${covered.points} points have been tried (${ctx.history.length} trials)`);
      }
      cursor(ctx);
    },
    sample(ctx, name, dist) {
      const values = gridValues(dist, points);
      const c = cursor(ctx);
      c.size *= values.length;
      // a grid this large would never be covered: fail loudly rather than sweep a corner of it
      if (c.size > maxPoints) throw new Error(`the grid has more than ${maxPoints} points (maxPoints) at "${name}"; lower pointsPerDimension or use another strategy`);
      const digit = c.rest % values.length;
      c.rest = Math.floor(c.rest / values.length);
      return values[digit];
    },
  };
}

/**
 * Whether the trials (which share their first `depth` asked values) cover every point of the sub-grid
 * below them, and how many points it has. Trials asking the same values ask the same next name (the
 * space is a function of the values), so a disagreement means a foreign history: counted as not full.
 */
function coverage(trials: readonly FinishedTrial[], depth: number, points: number): { full: boolean; points: number } {
  const next = trials.map((t) => Object.keys(t.params)[depth]);
  if (trials.length > 0 && next.every((name) => name === undefined)) return { full: true, points: 1 };
  const name = next[0];
  if (name === undefined || next.some((n) => n !== name)) return { full: false, points: 0 };
  const dist = trials[0].distributions[name];
  if (!dist) return { full: false, points: 0 };
  let full = true;
  let total = 0;
  for (const value of gridValues(dist, points)) {
    const branch = trials.filter((t) => t.params[name] === value && sameDistribution(t.distributions[name], dist));
    const sub = branch.length > 0 ? coverage(branch, depth + 1, points) : { full: false, points: 0 };
    full &&= sub.full;
    total += sub.points;
  }
  return { full, points: total };
}

function unique(values: ParamValue[]): ParamValue[] {
  return [...new Set(values)];
}
