/**
 * Regularised (aging) evolution, Real et al. 2019. After `population` random trials, the population is
 * the most recent `population` complete or pruned trials with a value (aging: the oldest drop out,
 * however good, which keeps the search from clinging to a lucky early trial). Each trial picks a parent
 * as the best of a seeded tournament of `sample` members and copies it with exactly one hyperparameter
 * mutated; with `crossover`, a second tournament's winner is mixed in uniformly first.
 *
 * The parent and the mutated name are picked in `beforeTrial`, from the history and the trial's rng
 * only, so every `sample` of a trial agrees and nothing is kept between trials.
 *
 * Sized for the budgets a study runs (tens of trials, not the thousands of Real et al., who used a
 * population of 100 and tournaments of 25): the random phase is the population, so a population of 20
 * spent 40% of a 50-trial budget before the first child; 10 leaves 40 children. A tournament of 7 of the
 * 10 makes the parent one of the two or three best recent trials: at such a budget exploitation pays
 * (measured over 40 seeds at 50 evaluations, against tournaments of 3, 5 and 10 and populations of 6 to
 * 20, it was best or near it on Branin, Hartmann-6 and the mixed function), and aging still replaces the
 * whole population every 10 trials.
 *
 * A numeric mutation is a local step, not a uniform redraw: a Gaussian step in the unit (log-aware)
 * coordinate whose spread is itself drawn log-uniformly between half the range and 0.5% of it, so that
 * some children explore and some refine, with no schedule (the strategy cannot know the budget) and no
 * spread that collapses in a long run; 1 time in 5 the value is redrawn uniformly instead (escapes a
 * basin). A step that stays inside a grid value's cell (an int range, a stepped float) moves to the
 * neighbouring value, the smallest possible change, rather than falling back to a uniform redraw.
 *
 * A mutated Choice that opens another branch needs values for names the parent lacks. Drawing them at
 * random made a run settle on whichever branch led early: a random point of a better branch rarely beats
 * a refined point of a worse one, so it died in the tournament (on the mixed test function a quarter of
 * the seeds stayed on a branch with regret 0.3). Instead a newly opened name takes the value of the best
 * finished trial that had it, mutated: the branch's "hidden genes" (genomes keep inactive genes; trials
 * store only active names, so the best carrier stands in), and each switch to a branch is a step of a
 * local search around that branch's best point. Names no trial has had yet are drawn at random.
 */
import { z } from "zod";
import type { Rng } from "../rng";
import { cardinality, contains, enumerate, fromUnit, toUnit, valueAt, type Distribution, type ParamValue } from "../space/distributions";
import { isBetter } from "../space/trial-record";
import { perTrial } from "./per-trial";
import type { FinishedTrial, SampleContext, Strategy } from "./strategy";

export const evolutionOptionsSchema = z
  .object({
    population: z.number().int().min(1).default(10),
    /** tournament size */
    sample: z.number().int().min(1).default(7),
    crossover: z.boolean().default(false),
  })
  .strict();

/** the range of the spread of a numeric mutation's Gaussian step, in the unit coordinate (drawn log-uniformly) */
const MUTATION_SD_MAX = 0.5;
const MUTATION_SD_MIN = 0.005;
/** how often a numeric mutation resamples instead of perturbing (escapes a local basin) */
const RESAMPLE_RATE = 0.2;
/** uniform redraws tried before giving up on a different value (a small grid often draws the same one) */
const MUTATION_TRIES = 16;

interface Plan {
  /** the child's inherited values (null: random trial) */
  child: Record<string, ParamValue> | null;
  /** the one name whose value is mutated */
  mutate: string | null;
}

export function createEvolutionStrategy(options: unknown = {}): Strategy {
  const { population, sample: tournament, crossover } = evolutionOptionsSchema.parse(options ?? {});
  const plan = perTrial((ctx: SampleContext): Plan => {
    if (ctx.trialNumber < population) return { child: null, mutate: null };
    const members = ctx.history.filter((t) => (t.state === "complete" || t.state === "pruned") && t.value !== null).slice(-population);
    if (members.length === 0) return { child: null, mutate: null };
    const parent = tournamentWinner(members, tournament, ctx);
    const child = { ...parent.params };
    if (crossover) {
      const other = tournamentWinner(members, tournament, ctx);
      for (const name of Object.keys(child)) if (name in other.params && ctx.rng.float() < 0.5) child[name] = other.params[name];
    }
    // only names that can take another value can be mutated; ask order keeps the pick deterministic
    const mutable = Object.keys(parent.params).filter((name) => parent.distributions[name] && cardinality(parent.distributions[name]) > 1);
    return { child, mutate: mutable.length > 0 ? ctx.rng.choice(mutable) : null };
  });

  return {
    name: "evolution",
    beforeTrial(ctx) {
      plan(ctx);
    },
    sample(ctx, name, dist) {
      const { child, mutate } = plan(ctx);
      if (!child) return fromUnit(dist, ctx.rng.float());
      const value = child[name];
      if (value !== undefined && contains(dist, value)) return name === mutate ? mutated(dist, value, ctx.rng) : value;
      const carried = bestCarrierValue(ctx, name, dist);
      return carried === undefined ? fromUnit(dist, ctx.rng.float()) : mutated(dist, carried, ctx.rng);
    },
  };
}

/** the best (ties: the most recent) of `size` members drawn without replacement */
function tournamentWinner(members: readonly FinishedTrial[], size: number, ctx: SampleContext): FinishedTrial {
  const pool = [...members];
  let best: FinishedTrial | null = null;
  for (let i = 0; i < Math.min(size, pool.length); i++) {
    const j = ctx.rng.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
    const m = pool[i];
    if (!best || isBetter(ctx.direction, m.value!, best.value!) || (m.value === best.value && m.number > best.number)) best = m;
  }
  return best!;
}

/** `name`'s value in the best finished trial that gave it a value inside `dist` (ties: the most recent), if any */
function bestCarrierValue(ctx: SampleContext, name: string, dist: Distribution): ParamValue | undefined {
  let best: FinishedTrial | null = null;
  for (const t of ctx.history) {
    if (t.value === null || t.state === "failed" || !(name in t.params) || !contains(dist, t.params[name])) continue;
    if (!best || isBetter(ctx.direction, t.value, best.value!) || t.value === best.value) best = t;
  }
  return best?.params[name];
}

/**
 * A value of `dist` different from `value` when there is one: another choice, a uniform redraw (RESAMPLE_RATE),
 * or a Gaussian step in the unit coordinate with a log-uniform spread in [MUTATION_SD_MIN, MUTATION_SD_MAX].
 */
function mutated(dist: Distribution, value: ParamValue, rng: Rng): ParamValue {
  if (dist.kind === "fixed" || cardinality(dist) <= 1) return value;
  if (dist.kind === "choice" || dist.kind === "bool") return rng.choice(enumerate(dist).filter((v) => v !== value));
  if (rng.float() < RESAMPLE_RATE) {
    for (let i = 0; i < MUTATION_TRIES; i++) {
      const next = fromUnit(dist, rng.float());
      if (next !== value) return next;
    }
  }
  const sd = Math.exp(Math.log(MUTATION_SD_MIN) + rng.float() * (Math.log(MUTATION_SD_MAX) - Math.log(MUTATION_SD_MIN)));
  const step = rng.normal(0, sd);
  const u = toUnit(dist, value);
  const next = fromUnit(dist, Math.min(1, Math.max(0, u + step)));
  if (next !== value) return next;
  // the step stayed inside the value's grid cell, or was clamped at the edge it started on
  if (dist.kind === "int" || dist.step !== undefined) {
    // a grid (an int range, log or not, or a stepped float): the neighbouring value, in the step's direction
    // unless that leaves the range
    const n = cardinality(dist);
    const k = Math.round(((value as number) - dist.low) / dist.step!);
    return valueAt(dist, step >= 0 ? (k + 1 < n ? k + 1 : k - 1) : k > 0 ? k - 1 : k + 1);
  }
  // a continuous float clamped at an edge: step the other way
  return fromUnit(dist, Math.min(1, Math.max(0, u - step)));
}
