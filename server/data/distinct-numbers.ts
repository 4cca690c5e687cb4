/**
 * Distinct values of a number column, counted on the typed array itself: a Set of millions of boxed numbers is the
 * slowest thing an upload can do. NaN (missing) is skipped and -0 is the same value as 0, as in a Set.
 */

/** a dense array of counts indexed by value − min is used when the values are integers spanning at most this... */
const DENSE_MIN_SPAN = 1 << 16;
/** ...or at most this many times the number of values, whichever is larger */
const DENSE_SPAN_PER_VALUE = 2;
/** values per hash partition: a partition's table (twice as many slots, 8 bytes each) stays within a CPU cache */
const PARTITION_VALUES = 8192;
const MAX_PARTITION_BITS = 12;

/** how many distinct values are present */
export function countDistinct(values: Float64Array): number {
  const range = integerRange(values);
  if (range.present === 0) return 0;
  if (range.dense) {
    const seen = new Uint8Array(range.max - range.min + 1);
    let distinct = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      const slot = v - range.min;
      if (seen[slot] === 0) {
        seen[slot] = 1;
        distinct++;
      }
    }
    return distinct;
  }
  return countDistinctHashed(values, range.present);
}

/** the distinct values present, ascending, and how many rows hold each */
export function valueCounts(values: Float64Array): { values: Float64Array; counts: Int32Array } {
  const range = integerRange(values);
  if (range.dense) {
    const bySlot = new Int32Array(range.max - range.min + 1);
    for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) bySlot[values[i] - range.min]++;
    let k = 0;
    for (const c of bySlot) if (c > 0) k++;
    const out = { values: new Float64Array(k), counts: new Int32Array(k) };
    k = 0;
    for (let slot = 0; slot < bySlot.length; slot++) {
      if (bySlot[slot] === 0) continue;
      out.values[k] = range.min + slot;
      out.counts[k++] = bySlot[slot];
    }
    return out;
  }
  // typed-array sort is native; NaN sorts last, so the present values are a prefix
  const sorted = values.slice().sort().subarray(0, range.present);
  const distinct: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) counts[counts.length - 1]++;
    else {
      distinct.push(sorted[i] === 0 ? 0 : sorted[i]);
      counts.push(1);
    }
  }
  return { values: Float64Array.from(distinct), counts: Int32Array.from(counts) };
}

/** present values, and their range when they are safe integers close enough together to count in a dense array */
function integerRange(values: Float64Array): { present: number; dense: boolean; min: number; max: number } {
  let present = 0;
  let integers = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    present++;
    if (integers && !Number.isSafeInteger(v)) integers = false;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min + 1;
  const dense = present > 0 && integers && span <= Math.max(DENSE_MIN_SPAN, DENSE_SPAN_PER_VALUE * present);
  return { present, dense, min: min === 0 ? 0 : min, max };
}

/**
 * Open addressing on the values' bits, after scattering them into partitions by hash so that each partition's table
 * stays in cache: several times faster than sorting a copy, or one table over millions of values.
 */
function countDistinctHashed(values: Float64Array, present: number): number {
  let bits = 0;
  while (bits < MAX_PARTITION_BITS && present >> bits > PARTITION_VALUES) bits++;
  const partitions = 1 << bits;
  const partitionOf = (h: number) => (bits === 0 ? 0 : h >>> (32 - bits));
  const start = new Int32Array(partitions + 1);
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) start[partitionOf(hashOf(values[i])) + 1]++;
  let largest = 0;
  for (let p = 0; p < partitions; p++) {
    largest = Math.max(largest, start[p + 1]);
    start[p + 1] += start[p];
  }
  const scattered = new Float64Array(present);
  const next = start.slice(0, partitions);
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i])) scattered[next[partitionOf(hashOf(values[i]))]++] = values[i];
  // NaN marks an empty slot: no present value is NaN
  const table = new Float64Array(tableSize(largest));
  let distinct = 0;
  for (let p = 0; p < partitions; p++) {
    const mask = tableSize(start[p + 1] - start[p]) - 1;
    table.fill(NaN, 0, mask + 1);
    for (let i = start[p]; i < start[p + 1]; i++) {
      const v = scattered[i];
      let slot = hashOf(v) & mask;
      for (;;) {
        const held = table[slot];
        if (held === v) break;
        if (Number.isNaN(held)) {
          table[slot] = v;
          distinct++;
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
  }
  return distinct;
}

/** a power of two at least twice `n`, so probe runs stay short */
function tableSize(n: number): number {
  let size = 2;
  while (size < 2 * n) size *= 2;
  return size;
}

const bits64 = new Float64Array(1);
const words = new Uint32Array(bits64.buffer);

/** a 32-bit hash of a number's bits (-0 hashed as 0, since they are the same value) */
function hashOf(v: number): number {
  bits64[0] = v === 0 ? 0 : v;
  let h = Math.imul(words[0] ^ Math.imul(words[1], 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 13)) >>> 0;
}
