/**
 * A small seeded PRNG (mulberry32) for everything random in training: initialiser seeds, the shuffle of every
 * epoch, dropout masks. Math.random is never used, so a fit is a pure function of its seed and data.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    // mix the seed (any safe integer) into 32 bits
    this.state = (Math.imul((seed | 0) ^ Math.floor(seed / 2 ** 32), 0x9e3779b1) ^ 0x85ebca6b) >>> 0;
  }

  /** uniform in [0, 1) */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
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
