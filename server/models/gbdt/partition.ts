import type { BinCodes, BinnedMatrix } from "./bins";

/**
 * Partitions rows idx[begin, end) stably in place by a split on `feature` at `bin` (codes above it go right, and the
 * missing bin, above every value bin, goes left when `missingLeft`); returns where the right side starts. Which side a
 * row goes is unpredictable, so it is computed rather than branched on, and each row is written to both sides with
 * only the right one's end advancing (about 10% faster than a branch per row in a full fit on diamonds). `scratch`
 * holds at least end - begin rows. A categorical split (split.categorical) sends the rows whose bin b has
 * split.leftBins[b] = 1 left instead.
 */
export function partitionRows(
  data: BinnedMatrix,
  idx: Uint32Array,
  scratch: Uint32Array,
  begin: number,
  end: number,
  split: { feature: number; bin: number; missingLeft: boolean; categorical?: boolean; leftBins?: Uint8Array },
): number {
  if (split.categorical) return partitionBySet(data.codes[split.feature], split.leftBins!, idx, scratch, begin, end);
  const codes = data.codes[split.feature];
  const missing = data.missingBin[split.feature];
  const missingLeft = split.missingLeft ? 1 : 0;
  const bin = split.bin;
  let mid = begin;
  let right = 0;
  for (let i = begin; i < end; i++) {
    const row = idx[i];
    const c = codes[row];
    const goesRight = ((bin - c) >>> 31) ^ ((c === missing ? 1 : 0) & missingLeft);
    idx[mid] = row;
    scratch[right] = row;
    mid += 1 - goesRight;
    right += goesRight;
  }
  idx.set(scratch.subarray(0, right), mid);
  return mid;
}

/** partitionRows for a categorical split: rows whose code c has left[c] = 1 go left, in the same branch-free way */
function partitionBySet(codes: BinCodes, left: Uint8Array, idx: Uint32Array, scratch: Uint32Array, begin: number, end: number): number {
  let mid = begin;
  let right = 0;
  for (let i = begin; i < end; i++) {
    const row = idx[i];
    const goesRight = 1 - left[codes[row]];
    idx[mid] = row;
    scratch[right] = row;
    mid += 1 - goesRight;
    right += goesRight;
  }
  idx.set(scratch.subarray(0, right), mid);
  return mid;
}
