import { createRng, type Rng as StudyRng } from "../../automl/rng";

/**
 * Randomness in training — initialiser seeds, the shuffle of every epoch, dropout masks — drawn from the
 * project's one seeded generator. Math.random is never used, so a fit is a pure function of its seed and data.
 */
export class Rng {
  private readonly source: StudyRng;

  constructor(seed: number) {
    this.source = createRng(seed);
  }

  /** the generator's state, for a checkpoint */
  state(): Uint32Array {
    return this.source.state();
  }

  /** continues from a state() */
  restore(state: Uint32Array): void {
    this.source.restore(state);
  }

  /** uniform in [0, 1) with 32 bits: plenty for shuffles and masks, and half the cost of a 53-bit draw */
  next(): number {
    return this.source.uint32() / 4294967296;
  }

  /** a non-negative 31-bit integer, e.g. a seed for a TensorFlow.js initialiser */
  int(): number {
    return Math.floor(this.next() * 2 ** 31);
  }

  /** Fisher-Yates, in place */
  shuffle(a: Uint32Array): Uint32Array {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** an inverted-dropout mask: 0 with probability `rate`, else 1 / (1 - rate) */
  dropoutMask(size: number, rate: number): Float32Array {
    const out = new Float32Array(size);
    const keep = 1 / (1 - rate);
    for (let i = 0; i < size; i++) out[i] = this.next() < rate ? 0 : keep;
    return out;
  }
}
