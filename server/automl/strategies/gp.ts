/**
 * Bayesian optimisation with a Gaussian process (as Optuna's GPSampler): random until `nStartup` trials
 * are complete, then, once per trial in `beforeTrial`:
 *   1. encode the complete trials into [0, 1]^d (see the encoding note below) and standardise their
 *      values, sign-flipped for minimize so the model always maximises;
 *   2. fit a Matérn 5/2 ARD GP (gp-model.ts) by maximum marginal likelihood;
 *   3. add the batch's pending trials (`ctx.pending`) as a constant liar at the MEAN of the observed
 *      values (0 after standardising): hyperparameters are fitted on real results only, the lies enter
 *      the posterior only, so they shrink the variance (and the expected improvement) around pending
 *      points without biasing the kernel; the mean lie is the neutral choice between optimistic (best)
 *      and pessimistic (worst) liars;
 *   4. maximise expected improvement over seeded random candidates plus local perturbations of the best
 *      observed points, and cache the chosen point for this trial's `sample` calls.
 *
 * Encoding: a numeric dimension (int/float, with log and step) is `toUnit` of the value under the
 * distribution the trial recorded (candidates are snapped to grid-cell centres); choice and bool are
 * one-hot over the choices of the most recent distribution of that name; fixed is ignored. A
 * hyperparameter absent from a trial (conditional) is encoded as 0.5, or an all-zero one-hot block.
 * A name the model has no dimension for (first asked now), or whose distribution changed kind or
 * choices, is sampled at random.
 */
import { z } from "zod";
import type { Rng } from "../rng";
import { contains, fromUnit, sameDistribution, toUnit, type Distribution, type ParamValue } from "../space/distributions";
import { expectedImprovement, fitHyperparameters, gpPosterior, type Points } from "./gp-model";
import type { PendingTrial, SampleContext, Strategy } from "./strategy";

export const gpOptionsSchema = z
  .object({
    /** complete trials before the model is used (random search until then) */
    nStartup: z.number().int().min(2).default(10),
    /** random candidates scored by expected improvement per trial */
    nCandidates: z.number().int().min(1).default(2000),
    /** the most recent complete trials the model is fitted on (the fit is O(n^3)) */
    maxObservations: z.number().int().min(2).default(200),
  })
  .strict();

export type GpOptions = z.input<typeof gpOptionsSchema>;

/** One block of the encoding: a numeric dimension, or a one-hot block for choices. */
type Block =
  | { name: string; kind: "numeric"; offset: number; dist: Distribution }
  | { name: string; kind: "onehot"; offset: number; dist: Distribution; choices: readonly ParamValue[] };

const LOCAL_BASES = 5;
const LOCAL_PER_BASE = 40;

export function createGpStrategy(options: unknown = {}): Strategy {
  const { nStartup, nCandidates, maxObservations } = gpOptionsSchema.parse(options ?? {});
  // the chosen point of the trial being proposed, keyed by its context (rebuilt from ctx, never the truth)
  let cache: { ctx: SampleContext; blocks: Map<string, Block>; point: Float64Array } | null = null;

  const beforeTrial = (ctx: SampleContext) => {
    cache = null;
    const complete = ctx.history.filter((t) => t.state === "complete" && t.value !== null);
    if (complete.length < nStartup) return;
    const observed = complete.slice(-maxObservations);
    const blocks = layout(observed);
    const dim = blocks.reduce((sum, b) => sum + width(b), 0);
    if (dim === 0) return;
    const sign = ctx.direction === "maximize" ? 1 : -1;
    const x = observed.map((t) => encode(blocks, dim, t.params, t.distributions));
    const y = standardise(observed.map((t) => sign * (t.value as number)));
    const hyper = fitHyperparameters(x, y, dim, ctx.rng);
    const pending = (ctx.pending ?? []).map((p: PendingTrial) => encode(blocks, dim, p.params, p.distributions));
    const posterior = gpPosterior([...x, ...pending], Float64Array.from([...y, ...pending.map(() => 0)]), hyper);
    const best = Math.max(...y);
    let chosen = x[0];
    let chosenEi = -Infinity;
    for (const candidate of candidates(blocks, dim, x, y, ctx.rng, nCandidates)) {
      const ei = expectedImprovement(posterior.predict(candidate), best);
      if (ei > chosenEi) [chosen, chosenEi] = [candidate, ei];
    }
    cache = { ctx, blocks: new Map(blocks.map((b) => [b.name, b])), point: chosen };
  };

  return {
    name: "gp",
    beforeTrial,
    sample(ctx, name, dist) {
      if (cache?.ctx !== ctx) beforeTrial(ctx);
      const block = cache?.blocks.get(name);
      const decoded = block && cache ? decode(block, cache.point, dist) : undefined;
      return decoded ?? fromUnit(dist, ctx.rng.float());
    },
  };
}

/** the blocks of the encoding: every non-fixed name in the trials, with its most recent distribution */
function layout(trials: readonly { distributions: Record<string, Distribution> }[]): Block[] {
  const latest = new Map<string, Distribution>();
  for (const t of trials) for (const [name, dist] of Object.entries(t.distributions)) latest.set(name, dist);
  const blocks: Block[] = [];
  let offset = 0;
  for (const name of [...latest.keys()].sort()) {
    const dist = latest.get(name) as Distribution;
    let block: Block;
    if (dist.kind === "int" || dist.kind === "float") block = { name, kind: "numeric", offset, dist };
    else if (dist.kind === "choice") block = { name, kind: "onehot", offset, dist, choices: dist.choices };
    else if (dist.kind === "bool") block = { name, kind: "onehot", offset, dist, choices: [false, true] };
    else continue;
    blocks.push(block);
    offset += width(block);
  }
  return blocks;
}

const width = (b: Block) => (b.kind === "numeric" ? 1 : b.choices.length);

function encode(blocks: readonly Block[], dim: number, params: Readonly<Record<string, ParamValue>>, dists: Readonly<Record<string, Distribution>>): Float64Array {
  const point = new Float64Array(dim);
  for (const b of blocks) {
    const value = params[b.name];
    const dist = dists[b.name];
    if (b.kind === "numeric") {
      const numeric = value !== undefined && dist && (dist.kind === "int" || dist.kind === "float") && contains(dist, value);
      point[b.offset] = numeric ? toUnit(dist, value) : 0.5;
    } else {
      const k = value === undefined ? -1 : b.choices.indexOf(value);
      if (k >= 0) point[b.offset + k] = 1;
    }
  }
  return point;
}

/** the value of `block` at `point` under the distribution asked now, or undefined to fall back to random */
function decode(block: Block, point: Float64Array, dist: Distribution): ParamValue | undefined {
  if (block.kind === "numeric") return dist.kind === block.dist.kind ? fromUnit(dist, point[block.offset]) : undefined;
  if (!sameDistribution(dist, block.dist)) return undefined;
  let k = 0;
  for (let i = 1; i < block.choices.length; i++) if (point[block.offset + i] > point[block.offset + k]) k = i;
  return block.choices[k];
}

function standardise(values: number[]): Float64Array {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return Float64Array.from(values, (v) => (v - mean) / (sd > 0 ? sd : 1));
}

/** uniform random points, then Gaussian perturbations of the best observed points (all snapped to valid encodings) */
function* candidates(blocks: readonly Block[], dim: number, x: Points, y: Float64Array, rng: Rng, count: number): Generator<Float64Array> {
  for (let c = 0; c < count; c++) {
    const point = new Float64Array(dim);
    for (const b of blocks) {
      if (b.kind === "numeric") point[b.offset] = snap(b, rng.float());
      else point[b.offset + Math.floor(rng.float() * b.choices.length)] = 1;
    }
    yield point;
  }
  const ranked = [...x.keys()].sort((a, b) => y[b] - y[a] || a - b).slice(0, LOCAL_BASES);
  for (const base of ranked) {
    for (let c = 0; c < LOCAL_PER_BASE; c++) {
      const scale = 0.2 / (1 + (c % 4) * 3); // a few radii, from broad to fine
      const point = x[base].slice();
      for (const b of blocks) {
        if (b.kind === "numeric") point[b.offset] = snap(b, point[b.offset] + scale * rng.normal());
        else if (rng.float() < 0.1) {
          point.fill(0, b.offset, b.offset + b.choices.length);
          point[b.offset + Math.floor(rng.float() * b.choices.length)] = 1;
        }
      }
      yield point;
    }
  }
}

/** clamps u to [0, 1] and moves it to its grid cell's centre, where the trials' values are encoded */
function snap(block: Block, u: number): number {
  const t = Math.min(1, Math.max(0, u));
  return toUnit(block.dist, fromUnit(block.dist, t));
}
