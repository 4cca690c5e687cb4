/**
 * A reinforcement-learning controller (Zoph & Le 2017, "Neural Architecture Search with Reinforcement
 * Learning"), factorised: instead of an RNN that emits one decision after another, every hyperparameter
 * is an independent categorical distribution over its own logits, trained with REINFORCE and an
 * exponential moving-average baseline. The reward is the trial's value, signed by the direction.
 *
 * Decisions: a choice or a bool has one logit per option; an int or a float is cut into `bins` equal
 * slices of its unit coordinate (so log ranges are sliced in log space) and, once a slice is drawn, a
 * value is drawn uniformly inside it (on the grid for ints and stepped floats). A grid with no more
 * values than `bins` gets one logit per value. Fixed values and one-point ranges are returned as is.
 *
 * State: none is kept between trials. The policy is rebuilt in `beforeTrial` by replaying the history
 * (ordered by number, as the context promises) from all-zero logits, one REINFORCE step per finished
 * trial. Per trial rather than per batch: the history does not say where batches start (the batch size is
 * the study's, not the strategy's), and with a few dozen trials every update counts. The replay is
 * O(history x params) and cheap (about 0.1 s for 10,000 trials of 9 parameters), not much dearer than
 * proving that a cached prefix still matches the store, so nothing is cached beyond the current trial
 * (all `sample` calls of one trial share its replay). All-zero logits make the first batch (an empty
 * history) uniform over bins, close to random search.
 *
 * Each history trial is treated as drawn from the policy as replayed up to it (no importance weights):
 * exact for a batch size of 1, slightly off-policy for larger batches or for trials another strategy
 * proposed, which small steps tolerate. Proposals of the same batch that are still pending are ignored:
 * each trial has its own rng, so they already differ, and the policy only moves on results.
 */
import { z } from "zod";
import type { Rng } from "../rng";
import { cardinality, contains, fromUnit, sameDistribution, toUnit, valueAt, type Distribution, type ParamValue } from "../space/distributions";
import type { Direction, FinishedTrial } from "../space/trial-record";
import { perTrial } from "./per-trial";
import type { Strategy } from "./strategy";

export const rlControllerOptionsSchema = z
  .object({
    /** the REINFORCE step size on rank rewards in [-1, 1] */
    learningRate: z.number().positive().max(10).default(0.25),
    /** slices of an int or float range (ints with fewer values get one logit per value) */
    bins: z.number().int().min(2).max(1000).default(10),
    /** how much of the baseline survives each trial: 0.9 averages over roughly the last 10 rewards */
    baselineDecay: z.number().min(0).lt(1).default(0.9),
    /** weight of the entropy bonus, which keeps the policy from collapsing early onto one option */
    entropyWeight: z.number().min(0).default(0),
  })
  .strict();

export type RlControllerOptions = z.infer<typeof rlControllerOptionsSchema>;

export function createRlControllerStrategy(options: unknown = {}): Strategy {
  const parsed = rlControllerOptionsSchema.parse(options ?? {});
  const policy = perTrial((ctx) => rlPolicy(ctx.history, ctx.direction, parsed));
  return {
    name: "rl",
    beforeTrial(ctx) {
      policy(ctx);
    },
    sample(ctx, name, dist) {
      if (cardinality(dist) <= 1) return valueAt(dist, 0);
      return policy(ctx).sample(name, dist, ctx.rng);
    },
  };
}

export interface RlPolicy {
  /** the probability of each decision bin of `name` (uniform for a name or distribution never trained) */
  probabilities(name: string, dist: Distribution): number[];
  /** a value of `dist` drawn from the policy */
  sample(name: string, dist: Distribution, rng: Rng): ParamValue;
}

/** The policy after replaying `history` in order: exported so tests can look at the probabilities. */
export function rlPolicy(history: readonly FinishedTrial[], direction: Direction, options: Partial<RlControllerOptions> = {}): RlPolicy {
  const { learningRate, bins, baselineDecay, entropyWeight } = rlControllerOptionsSchema.parse(options);
  const heads = new Map<string, Head[]>();
  const find = (name: string, dist: Distribution) => heads.get(name)?.find((h) => sameDistribution(h.dist, dist));
  const head = (name: string, dist: Distribution): Head => {
    let h = find(name, dist);
    if (!h) {
      h = newHead(dist, bins);
      heads.set(name, [...(heads.get(name) ?? []), h]);
    }
    return h;
  };

  const rewards = new RankRewards();
  let baseline = 0;
  for (const trial of history) {
    const signed = trial.value === null ? null : direction === "maximize" ? trial.value : -trial.value;
    const reward = rewards.next(signed);
    const advantage = reward - baseline;
    baseline = baselineDecay * baseline + (1 - baselineDecay) * reward;
    // only the decisions this trial asked for: a conditional parameter learns from the trials that had it
    for (const [name, value] of Object.entries(trial.params)) {
      const dist = trial.distributions[name];
      if (!dist || cardinality(dist) <= 1 || !contains(dist, value)) continue;
      const h = head(name, dist);
      reinforce(h, binOf(h, value), learningRate * advantage, learningRate * entropyWeight);
    }
  }

  return {
    probabilities(name, dist) {
      const h = find(name, dist) ?? newHead(dist, bins);
      return Array.from(softmax(h));
    },
    sample(name, dist, rng) {
      const h = find(name, dist) ?? newHead(dist, bins);
      return valueInBin(h, drawIndex(softmax(h), rng), rng);
    },
  };
}

/**
 * Rewards from ranks: 2q - 1, where q is the trial's mid-rank quantile among the signed values seen so
 * far (itself included), so the first trial gets 0. Not the raw value, nor a running mean/std: metrics
 * range from accuracies packed near 1 to losses spanning orders of magnitude, and one diverged trial
 * would dominate a mean and a standard deviation and flatten every other reward. Ranks are bounded and
 * unchanged by any monotone rescaling of the metric, so one learning rate suits every problem. A trial
 * without a value (failed, or pruned before it reported one) gets the worst reward, -1, and ranks below
 * every later value: a configuration that crashes is one the controller should learn to avoid.
 */
class RankRewards {
  /** the signed values so far, ascending; -Infinity for trials without a value */
  private readonly sorted: number[] = [];

  next(signed: number | null): number {
    const v = signed ?? -Infinity;
    const below = lowerBound(this.sorted, v, false);
    const upTo = lowerBound(this.sorted, v, true);
    this.sorted.splice(upTo, 0, v);
    if (signed === null) return -1;
    const quantile = (below + 0.5 * (upTo - below) + 0.5) / this.sorted.length;
    return 2 * quantile - 1;
  }
}

/** the first index whose element is >= v (or > v when `strict`) */
function lowerBound(sorted: readonly number[], v: number, strict: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < v || (strict && sorted[mid] === v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One decision: its logits over bins. A continuous float's bin k is the slice [k, k+1) / size of its unit
 * coordinate; any other distribution's bin k holds the consecutive grid indices starts[k]..starts[k+1]-1
 * (the last bin runs to the grid's end), so a grid value maps back to exactly the bin that can draw it.
 */
interface Head {
  dist: Distribution;
  logits: Float64Array;
  /** scratch space for the softmax of `logits` (the replay runs it for every trial and parameter) */
  probs: Float64Array;
  /** first grid index of each bin; null for a continuous float */
  starts: number[] | null;
}

function newHead(dist: Distribution, bins: number): Head {
  const n = cardinality(dist);
  const starts = !Number.isFinite(n) ? null : dist.kind === "choice" || dist.kind === "bool" || n <= bins ? Array.from({ length: n }, (_, k) => k) : gridStarts(dist, n, bins);
  const size = starts ? starts.length : bins;
  return { dist, logits: new Float64Array(size), probs: new Float64Array(size), starts };
}

/**
 * Groups a large grid by where its values fall among `bins` equal slices of the unit coordinate, so a
 * log int is binned in log space. A slice with no value (the low end of a log int range, where values are
 * sparse) gets no bin at all rather than a logit that could never be drawn.
 */
function gridStarts(dist: Distribution, n: number, bins: number): number[] {
  const sliceOf = (k: number) => Math.min(bins - 1, Math.floor(toUnit(dist, valueAt(dist, k)) * bins));
  const starts: number[] = [];
  for (let slice = 0; slice < bins; slice++) {
    // the first grid index in this slice or later (sliceOf grows with k)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (sliceOf(mid) < slice) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && lo !== starts[starts.length - 1]) starts.push(lo);
  }
  return starts;
}

function gridIndex(dist: Distribution, value: ParamValue): number {
  switch (dist.kind) {
    case "choice":
      return dist.choices.indexOf(value);
    case "bool":
      return value ? 1 : 0;
    case "int":
      return ((value as number) - dist.low) / dist.step;
    case "float":
      return Math.round(((value as number) - dist.low) / (dist.step as number));
    case "fixed":
      return 0;
  }
}

/** the bin that draws `value` (a value of the head's distribution) */
function binOf(head: Head, value: ParamValue): number {
  const size = head.logits.length;
  if (!head.starts) return Math.min(size - 1, Math.floor(toUnit(head.dist, value) * size));
  return lowerBound(head.starts, gridIndex(head.dist, value), true) - 1;
}

/** a value drawn uniformly inside bin `k`: uniform on the unit coordinate (log-uniform for log), or over the bin's grid values */
function valueInBin(head: Head, k: number, rng: Rng): ParamValue {
  const { dist, starts, logits } = head;
  if (!starts) return fromUnit(dist, (k + rng.float()) / logits.length);
  const end = k + 1 < starts.length ? starts[k + 1] : cardinality(dist);
  return valueAt(dist, rng.int(starts[k], end - 1));
}

/** the head's probabilities, in `head.probs` */
function softmax({ logits, probs: out }: Head): Float64Array {
  let max = -Infinity;
  for (const l of logits) max = Math.max(max, l);
  let sum = 0;
  for (let j = 0; j < logits.length; j++) sum += out[j] = Math.exp(logits[j] - max);
  for (let j = 0; j < logits.length; j++) out[j] /= sum;
  return out;
}

function drawIndex(probs: Float64Array, rng: Rng): number {
  let u = rng.float();
  for (let k = 0; k < probs.length - 1; k++) {
    u -= probs[k];
    if (u < 0) return k;
  }
  return probs.length - 1;
}

/**
 * One ascent step on step * log pi(action) + bonus * H(pi). For a softmax the gradients are
 * d log pi(a) / d logit_j = [j = a] - p_j and dH / d logit_j = -p_j (log p_j + H).
 */
function reinforce(head: Head, action: number, step: number, bonus: number): void {
  const { logits } = head;
  const p = softmax(head);
  let entropy = 0;
  if (bonus > 0) for (let j = 0; j < logits.length; j++) entropy -= p[j] > 0 ? p[j] * Math.log(p[j]) : 0;
  for (let j = 0; j < logits.length; j++) {
    const entropyGrad = bonus > 0 && p[j] > 0 ? -p[j] * (Math.log(p[j]) + entropy) : 0;
    logits[j] += step * ((j === action ? 1 : 0) - p[j]) + bonus * entropyGrad;
  }
}
