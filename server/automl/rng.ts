/**
 * Seeded randomness for the search core. Everything a proposal draws comes from an `Rng` built from
 * `deriveSeed(runSeed, ...)`, so a trial's randomness is a pure function of (run seed, trial number),
 * on any machine, in any JS engine and whatever the number of workers (Math.random cannot be seeded).
 *
 * Generator: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic PRNG, 128-bit state), seeded through
 * splitmix32. Seed derivation: cyrb53 over a length-prefixed, type-tagged encoding of the parts.
 */

export interface Rng {
  /** a uniform 32-bit unsigned integer */
  uint32(): number;
  /** a uniform float in [0, 1) with 53 bits of precision */
  float(): number;
  /** a uniform integer in [lo, hi], both ends included */
  int(lo: number, hi: number): number;
  /** a normal deviate (Box-Muller) */
  normal(mean?: number, sd?: number): number;
  /** a uniformly chosen element of a non-empty array */
  choice<T>(items: readonly T[]): T;
  /** the generator's 128-bit state (e.g. for a training checkpoint) */
  state(): Uint32Array;
  /** continues exactly from a `state()` */
  restore(state: Uint32Array): void;
}

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** A seeded sfc32 generator. Seeds outside the 32-bit range (or non-integers) are hashed first. */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${seed}`);
  let s = Number.isInteger(seed) && Math.abs(seed) < TWO_32 ? seed >>> 0 : deriveSeed(seed);
  const splitmix = () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const uint32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) uint32(); // let the state mix before the first output

  const float = () => ((uint32() >>> 5) * 67108864 + (uint32() >>> 6)) / TWO_53;
  return {
    uint32,
    float,
    int(lo, hi) {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo > hi) {
        throw new Error(`rng.int needs integers lo <= hi, got [${lo}, ${hi}]`);
      }
      return lo + Math.floor(float() * (hi - lo + 1));
    },
    normal(mean = 0, sd = 1) {
      const u = 1 - float(); // (0, 1]: log stays finite
      const v = float();
      return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    choice(items) {
      if (items.length === 0) throw new Error("rng.choice needs a non-empty array");
      return items[Math.floor(float() * items.length)];
    },
    state: () => Uint32Array.of(a, b, c, d),
    restore(state) {
      if (state.length !== 4) throw new Error(`rng state must have 4 words, got ${state.length}`);
      [a, b, c, d] = Array.from(state, (w) => w | 0);
    },
  };
}

/**
 * A seed derived from a base seed and any parts, e.g. `deriveSeed(runSeed, trialNumber)` or
 * `deriveSeed(runSeed, "train", trialNumber)`. Pure and hash-based: different parts give unrelated
 * seeds (`1` and `"1"` differ). The result is a non-negative 31-bit integer, so it fits a signed
 * 32-bit database column and any library's seed argument.
 */
export function deriveSeed(seed: number, ...parts: (string | number)[]): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  };
  for (const part of [seed, ...parts]) {
    if (typeof part === "number") {
      if (!Number.isFinite(part)) throw new Error(`deriveSeed parts must be finite, got ${part}`);
      const text = String(part);
      feed(`n${text.length}:${text}`);
    } else {
      feed(`s${part.length}:${part}`);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (h1 ^ h2) >>> 1;
}
