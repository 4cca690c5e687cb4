/**
 * Coarse-to-fine search: `initial` random trials, then zoom rounds of `zoomEvery` trials each. A round
 * centres every trial on one of the best `top` complete trials seen so far (picked with the trial's rng)
 * and samples numeric values uniformly in a box around that trial's value, in the unit (log-aware)
 * coordinate, of width shrink^round (clamped to the range); categorical values keep the centre's value
 * with probability 0.8 (so other choices are still revisited). Round = floor((n - initial) / zoomEvery) + 1.
 * Everything is rebuilt from the history, so there is no state to keep.
 *
 * Conditional spaces: a branch is the set of names a trial asked (a Choice that opens other names gives
 * one set per branch). Every branch zooms on its own:
 *   - the centres are the best `top` trials plus the best trial of every other branch seen, so a branch
 *     whose first random points were unlucky is still refined instead of being starved by another
 *     branch's early lead (zooming only around the overall top locks onto the first branch to get there,
 *     e.g. a branch with a floor of 0.3 found before a random point of the branch that reaches 0);
 *   - a branch's round counts only the trials since `initial` that took that branch, so a branch reached
 *     late starts with a wide box, as the first one did, rather than with the narrow box of the round the
 *     search has reached.
 * A space without branches has one set of names, so both reduce to the plain rules above.
 */
import { z } from "zod";
import { contains, fromUnit, toUnit } from "../space/distributions";
import { isBetter } from "../space/trial-record";
import { perTrial } from "./per-trial";
import type { FinishedTrial, SampleContext, Strategy } from "./strategy";

export const coarseToFineOptionsSchema = z
  .object({
    initial: z.number().int().min(0).default(10),
    zoomEvery: z.number().int().min(1).default(10),
    shrink: z.number().gt(0).lt(1).default(0.5),
    top: z.number().int().min(1).default(3),
  })
  .strict();

/** how often a categorical value is kept from the centre trial */
const KEEP_CATEGORY = 0.8;

interface Plan {
  centre: FinishedTrial | null;
  width: number;
}

/** the branch of a conditional space a trial took: the names it asked, in a canonical order */
function branchOf(trial: { params: Readonly<Record<string, unknown>> }): string {
  return JSON.stringify(Object.keys(trial.params).sort());
}

export function createCoarseToFineStrategy(options: unknown = {}): Strategy {
  const { initial, zoomEvery, shrink, top } = coarseToFineOptionsSchema.parse(options ?? {});
  // the centre is chosen once per trial so that all its values zoom around the same point
  const plan = perTrial((ctx: SampleContext): Plan => {
    if (ctx.trialNumber < initial) return { centre: null, width: 1 };
    const ranked = ctx.history
      .filter((t) => t.state === "complete" && t.value !== null)
      .sort((a, b) => (isBetter(ctx.direction, a.value!, b.value!) ? -1 : isBetter(ctx.direction, b.value!, a.value!) ? 1 : a.number - b.number));
    if (ranked.length === 0) return { centre: null, width: 1 };
    const centres = ranked.slice(0, top);
    const branches = new Set(centres.map(branchOf));
    for (const t of ranked) {
      if (branches.has(branchOf(t))) continue;
      branches.add(branchOf(t));
      centres.push(t);
    }
    const centre = ctx.rng.choice(centres);
    const branch = branchOf(centre);
    // trials since `initial` that took another branch (any state: each was a proposal spent elsewhere)
    const elsewhere = ctx.history.filter((t) => t.number >= initial && branchOf(t) !== branch).length;
    const round = Math.floor((ctx.trialNumber - initial - elsewhere) / zoomEvery) + 1;
    return { centre, width: shrink ** round };
  });

  return {
    name: "coarse_to_fine",
    beforeTrial(ctx) {
      plan(ctx);
    },
    sample(ctx, name, dist) {
      const { centre, width } = plan(ctx);
      const value = centre?.params[name];
      // no centre yet, or a name (or range) the centre trial did not have: plain random
      if (value === undefined || !contains(dist, value)) return fromUnit(dist, ctx.rng.float());
      if (dist.kind === "choice" || dist.kind === "bool") return ctx.rng.float() < KEEP_CATEGORY ? value : fromUnit(dist, ctx.rng.float());
      const u = toUnit(dist, value) + (ctx.rng.float() - 0.5) * width;
      return fromUnit(dist, Math.min(1, Math.max(0, u)));
    },
  };
}
