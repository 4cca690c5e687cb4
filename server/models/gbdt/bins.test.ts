import { describe, expect, it } from "vitest";
import { BinEdges } from "./bins";
import type { Matrix } from "../family";

/** a one-row-per-value matrix of columns given as arrays */
function columns(...cols: number[][]): Matrix {
  const rows = cols[0].length;
  const data = new Float32Array(rows * cols.length);
  cols.forEach((col, j) => col.forEach((v, i) => (data[i * cols.length + j] = v)));
  return { rows, cols: cols.length, data };
}

describe("binning", () => {
  it("gives each of few distinct values its own bin, with edges midway, and NaN the bin after them", () => {
    const x = columns([3, 1, 2, NaN, 1, 3]);
    const edges = BinEdges.fit(x, 255, 1);
    expect(Array.from(edges.upper[0])).toEqual([1.5, 2.5]);
    const b = edges.bin(x);
    expect(Array.from(b.codes[0])).toEqual([2, 0, 1, 3, 0, 2]);
    expect(b.missingBin[0]).toBe(3);
    expect(b.codes[0]).toBeInstanceOf(Uint8Array);
    // a split after bin 1 sends values <= 2.5 left, the same on raw values and on codes
    expect(edges.threshold(0, 1)).toBe(2.5);
    expect(edges.threshold(0, 2)).toBe(Infinity);
  });

  it("places quantile edges so continuous values fill the bins about equally", () => {
    const n = 10_000;
    const x = columns(Array.from({ length: n }, (_, i) => Math.sin(i) * 1000));
    const b = BinEdges.fit(x, 16, 1).bin(x);
    expect(b.missingBin[0]).toBe(16);
    const counts = new Array(16).fill(0);
    for (const c of b.codes[0]) counts[c]++;
    for (const c of counts) expect(Math.abs(c - n / 16)).toBeLessThan(0.05 * (n / 16));
  });

  it("gives a value repeated in most rows a bin of its own and still bins the rest", () => {
    const col = Array.from({ length: 1000 }, (_, i) => (i < 700 ? 0 : i));
    const b = BinEdges.fit(columns(col), 10, 1).bin(columns(col));
    expect(b.missingBin[0]).toBeLessThanOrEqual(10);
    const zeroBin = b.codes[0][0];
    for (let i = 0; i < 700; i++) expect(b.codes[0][i]).toBe(zeroBin);
    expect(b.codes[0][700]).not.toBe(zeroBin);
    expect(new Set(b.codes[0]).size).toBe(b.missingBin[0]);
  });

  it("never lets constant or all-missing features split, but does a feature whose only variation is missingness", () => {
    const x = columns([5, 5, 5, 5], [NaN, NaN, NaN, NaN], [7, NaN, 7, 7], [1, 2, 1, 2]);
    const b = BinEdges.fit(x, 255, 1).bin(x);
    expect(Array.from(b.splittable)).toEqual([2, 3]);
  });

  it("stores codes in 16 bits when a feature has more than 255 value bins", () => {
    const x = columns(Array.from({ length: 2000 }, (_, i) => i));
    const b = BinEdges.fit(x, 1000, 1).bin(x);
    expect(b.codes[0]).toBeInstanceOf(Uint16Array);
    expect(b.missingBin[0]).toBe(1000);
    expect(b.codes[0][1999]).toBe(999);
  });
});
