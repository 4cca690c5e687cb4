import { describe, expect, it } from "vitest";
import { countDistinct, valueCounts } from "./distinct-numbers";

/** the reference: a Set of the present values (SameValueZero: -0 is 0) */
const bySet = (values: Float64Array) => new Set([...values].filter((v) => !Number.isNaN(v))).size;

describe("countDistinct", () => {
  it("counts like a Set: NaN skipped, -0 the same as 0", () => {
    expect(countDistinct(new Float64Array([]))).toBe(0);
    expect(countDistinct(new Float64Array([NaN, NaN]))).toBe(0);
    expect(countDistinct(new Float64Array([0, -0, NaN, 1, 1, 2.5, Infinity, -Infinity]))).toBe(5);
  });

  it("agrees with a Set on integers (dense counting) and decimals or wide integers (hashed), large enough to partition", () => {
    const n = 100_000;
    const columns = [
      (i: number) => i % 37, // dense
      (i: number) => ((i * 7919) % 5003) / 1000, // decimals
      (i: number) => (i % 3 === 0 ? NaN : ((i * 104729) % 60011) * 1e9), // wide integers, some missing
      (i: number) => (i % 2 === 0 ? -0 : 0),
    ];
    for (const f of columns) {
      const values = Float64Array.from({ length: n }, (_, i) => f(i));
      expect(countDistinct(values)).toBe(bySet(values));
    }
  });
});

describe("valueCounts", () => {
  it("gives the present values ascending with their counts, -0 as 0", () => {
    expect(valueCounts(new Float64Array([1, -0, NaN, 0, 1, 1]))).toEqual({ values: new Float64Array([0, 1]), counts: new Int32Array([2, 3]) });
    expect(valueCounts(new Float64Array([2.5, -1e300, 2.5, NaN]))).toEqual({ values: new Float64Array([-1e300, 2.5]), counts: new Int32Array([1, 2]) });
    expect(valueCounts(new Float64Array([NaN]))).toEqual({ values: new Float64Array([]), counts: new Int32Array([]) });
  });
});
