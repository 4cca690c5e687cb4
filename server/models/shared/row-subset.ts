import { createRng, type Rng } from "../../automl/rng";

/** A uniform draw in [0, 1) from 32 bits: plenty for sampling, and one generator step instead of two. */
export function uniform(rng: Rng): number {
  return rng.uint32() / 4294967296;
}

/** All of 0..rows-1, or a seeded sample of `limit` of them (without replacement) in ascending order. */
export function rowSubset(rows: number, limit: number, seed: number): Uint32Array {
  const all = new Uint32Array(rows);
  for (let i = 0; i < rows; i++) all[i] = i;
  if (rows <= limit) return all;
  const rng = createRng(seed);
  for (let i = 0; i < limit; i++) {
    const j = i + Math.floor(uniform(rng) * (rows - i));
    const t = all[i];
    all[i] = all[j];
    all[j] = t;
  }
  return all.subarray(0, limit).sort();
}
