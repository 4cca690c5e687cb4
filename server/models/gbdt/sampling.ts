import type { Rng } from "../../automl/rng";
import { uniform } from "../shared/row-subset";

/**
 * Row subsampling (stochastic gradient boosting): each round's trees grow on a fresh seeded sample of the training
 * rows, each row kept with probability `fraction` (XGBoost's uniform sampling). Rows of weight 0 are never in a
 * sample, as they add nothing to a histogram. The rows left out are listed too: their raw scores still need the trees.
 */
export class RowSampler {
  readonly inBag: Uint32Array;
  readonly outOfBag: Uint32Array;
  inCount = 0;
  outCount = 0;

  constructor(
    rows: number,
    private readonly weights: Float32Array | undefined,
    private readonly fraction: number,
  ) {
    this.inBag = new Uint32Array(rows);
    this.outOfBag = new Uint32Array(rows);
    // without sampling, the sample is the same every round: drawn once here, and no randomness used
    if (fraction >= 1) this.fill(null);
  }

  /** Draws the next round's sample. */
  draw(rng: Rng): void {
    if (this.fraction < 1) this.fill(rng);
  }

  private fill(rng: Rng | null): void {
    const w = this.weights;
    let kept = 0;
    let left = 0;
    for (let r = 0; r < this.inBag.length; r++) {
      if ((!w || w[r] > 0) && (!rng || uniform(rng) < this.fraction)) this.inBag[kept++] = r;
      else this.outOfBag[left++] = r;
    }
    this.inCount = kept;
    this.outCount = left;
  }
}

/**
 * Column subsampling per tree (XGBoost's colsample_bytree): round(fraction * candidates) of the candidate features,
 * at least one, drawn without replacement and in ascending order (ties between equal gains then break the same way
 * whatever the draw order). All candidates, with no randomness used, when fraction >= 1.
 */
export class FeatureSampler {
  private readonly pool: Int32Array;
  private readonly take: number;

  constructor(
    private readonly candidates: Int32Array,
    fraction: number,
  ) {
    this.pool = candidates.slice();
    this.take = fraction >= 1 ? candidates.length : Math.min(candidates.length, Math.max(1, Math.round(fraction * candidates.length)));
  }

  draw(rng: Rng): Int32Array {
    if (this.take === this.candidates.length) return this.candidates;
    const pool = this.pool;
    for (let i = 0; i < this.take; i++) {
      const j = i + Math.floor(uniform(rng) * (pool.length - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
    }
    return pool.slice(0, this.take).sort();
  }

  /** the candidates' order, which every draw permutes further: with the rng's state, what the next draws depend on */
  get order(): Int32Array {
    return this.pool;
  }

  /** continues from an earlier sampler's `order` (over the same candidates) */
  restore(order: ArrayLike<number>): void {
    if (order.length !== this.pool.length) throw new Error(`gbdt: a column order of ${order.length} features for ${this.pool.length}`);
    const sorted = Array.from(order).sort((a, b) => a - b);
    if (sorted.some((f, i) => f !== this.candidates[i])) throw new Error("gbdt: the column order is not of this sampler's features");
    this.pool.set(order);
  }
}
