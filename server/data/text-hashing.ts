/**
 * Free text as a hashed bag of words (the "hashing trick", as scikit-learn's HashingVectorizer): each token is hashed
 * straight to one of a fixed number of buckets, so there is no vocabulary to fit or store, a prediction file needs
 * nothing but the bucket count, and words never seen in training still land somewhere consistent.
 */

/**
 * Buckets per text column. The matrices are dense float32, so every bucket costs 4 bytes per row (128 buckets is
 * 51 MB per text column at 100,000 rows); 128 keeps short texts (names, titles, a few hundred distinct words) from
 * colliding much, and the alternating sign below makes the collisions that remain cancel on average instead of adding up.
 */
export const TEXT_BUCKETS = 128;

/**
 * Lowercase runs of Unicode letters and digits. Marks are part of a run so that an accent written as a separate
 * combining character does not split its word, and NFC makes "é" typed either way the same token.
 */
export function tokenize(text: string): string[] {
  return text.normalize("NFC").toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu) ?? [];
}

const utf8 = new TextEncoder();

/**
 * MurmurHash3 x86 32-bit of the bytes, as a signed 32-bit integer (the form scikit-learn and Python's mmh3 return).
 * Chosen over FNV-1a because its final mixing spreads every input bit over the low bits that pick the bucket.
 */
export function murmur3(bytes: Uint8Array, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed | 0;
  const blocks = bytes.length >> 2;
  for (let i = 0; i < blocks; i++) {
    const j = i << 2;
    let k = bytes[j] | (bytes[j + 1] << 8) | (bytes[j + 2] << 16) | (bytes[j + 3] << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks << 2;
  let k = 0;
  switch (bytes.length & 3) {
    case 3:
      k ^= bytes[tail + 2] << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1] << 8;
    // falls through
    case 1:
      k ^= bytes[tail];
      k = Math.imul(k, c1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, c2);
      h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * Writes the text's hashed features into out[offset .. offset + buckets): per distinct token log1p(count) (so a
 * repeated word does not dominate), added to bucket |h| mod buckets with the sign of h (as HashingVectorizer does),
 * then the row scaled to unit L2 norm so long and short texts are comparable. Empty or missing text leaves zeros.
 */
export function hashText(text: string, buckets: number, out: Float32Array, offset: number): void {
  const counts = new Map<string, number>();
  for (const token of tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const row = new Float64Array(buckets);
  for (const [token, count] of counts) {
    const h = murmur3(utf8.encode(token));
    row[Math.abs(h) % buckets] += (h < 0 ? -1 : 1) * Math.log1p(count);
  }
  let norm = 0;
  for (const v of row) norm += v * v;
  if (norm === 0) return; // no tokens, or collisions that cancelled exactly
  norm = Math.sqrt(norm);
  for (let b = 0; b < buckets; b++) out[offset + b] = row[b] / norm;
}
