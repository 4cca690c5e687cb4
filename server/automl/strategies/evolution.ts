/**
 * Regularised (aging) evolution, Real et al. 2019. After `population` random trials, the population is
 * the most recent `population` complete or pruned trials with a value (aging: the oldest drop out,
 * however good, which keeps the search from clinging to a lucky early trial). Each trial picks a parent
 * as the best of a seeded tournament of `sample` members and copies it with exactly one hyperparameter
 * mutated (more only when every one-mutation child drawn repeats a tried configuration, below); with
 * `crossover`, a second tournament's winner is mixed in uniformly first.
 *
 * The parent, the mutated name and its new value are picked in `beforeTrial`, from the history and the
 * trial's rng only, so every `sample` of a trial agrees, nothing is kept between trials, and a resumed
 * study proposes exactly what an uninterrupted one would.
 *
 * Sized for the budgets a study runs (tens of trials, not the thousands of Real et al., who used a
 * population of 100 and tournaments of 25): the random phase is the population, so a population of 20
 * spent 40% of a 50-trial budget before the first child; 10 leaves 40 children. The tournament is, by
 * default, the whole population: the parent is the best of the last 10 trials. At such a budget
 * exploitation pays, and aging still replaces the whole population every 10 trials, so the parent is
 * never older than that. (Measured with `npm run bench:search`'s functions over 400 seeds at 50
 * evaluations against Optuna's RandomSampler, with the exploration below: tournaments of 7, 8, 9 and 10
 * of 10 are alike on the mixed function, and 10 is among the best on Branin and Hartmann-6.) The exploration
 * this search needs comes from the mutations instead, where it can be aimed: at a branch, not a parent.
 *
 * A numeric mutation is a local step, not a uniform redraw: a Gaussian step in the unit (log-aware)
 * coordinate whose spread is itself drawn log-uniformly between 30% of the range and 0.5% of it, so that
 * some children explore and some refine, with no schedule (the strategy cannot know the budget; a spread
 * shrinking with the trial number measured no better) and no spread that collapses in a long run;
 * 3 times in 10 the value is redrawn uniformly instead (escapes a basin: on the mixed function, where a
 * branch's good region is narrow, 3 in 10 found it more often than 2 in 10, at no cost on Branin or
 * Hartmann-6 once the widest local step was cut from 50% to 30% of the range). A step that stays inside a
 * grid value's cell (an int range, a stepped float) moves to the neighbouring value, the smallest possible
 * change, rather than falling back to a uniform redraw. A Choice or a Boolean takes another of its values,
 * uniformly.
 *
 * A child that repeats a configuration already tried (a finished trial, or one pending in the same batch)
 * is drawn again from the same parent, up to DEDUPE_TRIES times: on a grid or a Choice, one-step
 * neighbours of the parent recur, and an evaluation spent on a known result is wasted (on the mixed
 * function about 6% of the children were repeats; dropping them took the Wilcoxon p over 400 seeds from
 * 1e-9 to 1e-12). After DEDUPE_ESCALATE repeats in a row the parent's one-step neighbourhood is taken to
 * be used up (a small discrete space, late in a run) and the child takes two mutations, then three: the
 * only way a child differs from its parent in more than one decision. "The same" is decided on the names
 * the earlier trial had, so a child differs from it only in names its values would not ask for; names
 * filled in when a branch opens (below) are not known yet and not checked.
 *
 * A mutated Choice that opens another branch needs values for names the parent lacks. Drawing them only
 * at random made a run settle on whichever branch led early: a random point of a better branch rarely
 * beats a refined point of a worse one, so it dies in the tournament. Carrying only the branch's best
 * point ("hidden genes": genomes keep inactive genes; trials store only active names, so the best
 * trial that had a name stands in, and each name is mutated so the child is not that trial again)
 * refines a branch whose best is good, but locks a run out of a branch whose random early points were
 * bad yet whose floor is lowest (on the mixed function the best branch is also the narrowest: a fifth of
 * the seeds stayed on a worse branch, regret 0.3 against Optuna's random search's median of 0.1). So half
 * the children that open a branch (BRANCH_REDRAW) draw its names at random, a fresh sample of that
 * branch, and half carry its best point, mutated. Names no trial has had yet are drawn at random.
 *
 * Also measured and left out (each no better on the mixed function, or worse on Branin): mutating a
 * second decision now and then (worse on all three: it undoes the local search), choosing a parent now
 * and then from one branch's own population (a niche), fully random children (immigrants), weighting
 * the choice of the mutated name towards Choices, and carrying a branch's best point with one name
 * mutated instead of all.
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
    /** tournament size (default: the whole population) */
    sample: z.number().int().min(1).optional(),
    crossover: z.boolean().default(false),
  })
  .strict();

/** the range of the spread of a numeric mutation's Gaussian step, in the unit coordinate (drawn log-uniformly) */
const MUTATION_SD_MAX = 0.3;
const MUTATION_SD_MIN = 0.005;
/** how often a numeric mutation resamples instead of perturbing (escapes a local basin) */
const RESAMPLE_RATE = 0.3;
/** uniform redraws tried before giving up on a different value (a small grid often draws the same one) */
const MUTATION_TRIES = 16;
/** children drawn before one that repeats a tried configuration is accepted (every neighbour may be taken) */
const DEDUPE_TRIES = 32;
/** children drawn with one mutation before a repeat draws them with two, then three (the parent's neighbourhood is used up) */
const DEDUPE_ESCALATE = 8;
/** how often the names of a branch a mutation opens are drawn at random rather than carried from its best trial */
const BRANCH_REDRAW = 0.5;

interface Plan {
  /** the child's values, the mutated one included (null: random trial) */
  child: Record<string, ParamValue> | null;
  /** whether names the child lacks (a branch the mutation opened) are drawn at random rather than carried */
  redraw: boolean;
}

export function createEvolutionStrategy(options: unknown = {}): Strategy {
  const { population, sample, crossover } = evolutionOptionsSchema.parse(options ?? {});
  const tournament = sample ?? population;
  const plan = perTrial((ctx: SampleContext): Plan => {
    if (ctx.trialNumber < population) return { child: null, redraw: false };
    const members = ctx.history.filter((t) => (t.state === "complete" || t.state === "pruned") && t.value !== null).slice(-population);
    if (members.length === 0) return { child: null, redraw: false };
    const parent = tournamentWinner(members, tournament, ctx);
    const base = { ...parent.params };
    if (crossover) {
      const other = tournamentWinner(members, tournament, ctx);
      for (const name of Object.keys(base)) {
        if (name in other.params && contains(parent.distributions[name], other.params[name]) && ctx.rng.float() < 0.5) base[name] = other.params[name];
      }
    }
    const redraw = ctx.rng.float() < BRANCH_REDRAW;
    // only names that can take another value can be mutated; ask order keeps the pick deterministic
    const mutable = Object.keys(parent.params).filter((name) => parent.distributions[name] && cardinality(parent.distributions[name]) > 1);
    if (mutable.length === 0) return { child: base, redraw };
    const tried = [...ctx.history, ...(ctx.pending ?? [])];
    let child = base;
    for (let attempt = 0; attempt < DEDUPE_TRIES; attempt++) {
      child = { ...base };
      // one mutation; two or more only once every one-step child drawn so far had been tried
      for (let step = 0; step <= Math.floor(attempt / DEDUPE_ESCALATE); step++) {
        const name = ctx.rng.choice(mutable);
        child[name] = mutated(parent.distributions[name], child[name], ctx.rng);
      }
      if (!tried.some((t) => repeats(child, t.params))) break;
    }
    return { child, redraw };
  });

  return {
    name: "evolution",
    beforeTrial(ctx) {
      plan(ctx);
    },
    sample(ctx, name, dist) {
      const { child, redraw } = plan(ctx);
      if (!child) return fromUnit(dist, ctx.rng.float());
      const value = child[name];
      if (value !== undefined && contains(dist, value)) return value;
      // a name the parent lacks (a branch the mutation opened), or one whose range has changed
      if (redraw) return fromUnit(dist, ctx.rng.float());
      const carried = bestCarrierValue(ctx, name, dist);
      return carried === undefined ? fromUnit(dist, ctx.rng.float()) : mutated(dist, carried, ctx.rng);
    },
  };
}

/**
 * Whether `child` is the configuration `tried` was: it has every name `tried` had, with the same value. The space
 * asks for names by the values before them, so such a child asks for exactly those names; names it has beyond
 * them (a branch its mutation closed) are never asked.
 */
function repeats(child: Readonly<Record<string, ParamValue>>, tried: Readonly<Record<string, ParamValue>>): boolean {
  for (const name of Object.keys(tried)) if (!(name in child) || child[name] !== tried[name]) return false;
  return true;
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
