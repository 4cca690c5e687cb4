import { describe, expect, it } from "vitest";
import { createRng, deriveSeed } from "./rng";

describe("createRng", () => {
  it("is reproducible and seed-dependent", () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const xs = Array.from({ length: 5 }, () => a.float());
    expect(Array.from({ length: 5 }, () => b.float())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.float())).not.toEqual(xs);
  });

  it("draws floats in [0, 1) with a uniform mean and ints in [lo, hi]", () => {
    const rng = createRng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const x = rng.float();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(-2, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(() => rng.int(3, 2)).toThrow();
  });

  it("draws standard normals", () => {
    const rng = createRng(2);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(0, 1);
    expect(sd).toBeCloseTo(1, 1);
    expect(createRng(2).normal(10, 0)).toBe(10);
  });

  it("chooses every element and rejects an empty array", () => {
    const rng = createRng(3);
    expect(new Set(Array.from({ length: 200 }, () => rng.choice(["a", "b", "c"]))).size).toBe(3);
    expect(() => rng.choice([])).toThrow();
  });

  it("accepts large, negative and fractional seeds", () => {
    for (const seed of [2 ** 40, -5, 0.5]) expect(createRng(seed).float()).toBe(createRng(seed).float());
    expect(createRng(-5).float()).not.toBe(createRng(5).float());
    expect(() => createRng(NaN)).toThrow();
  });
});

describe("deriveSeed", () => {
  it("is a pure, non-negative 31-bit function of its parts", () => {
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    for (let n = 0; n < 100; n++) {
      const s = deriveSeed(123, n);
      expect(Number.isInteger(s) && s >= 0 && s < 2 ** 31).toBe(true);
    }
  });

  it("separates parts, types and order", () => {
    const seeds = [deriveSeed(1, 2), deriveSeed(1, "2"), deriveSeed(2, 1), deriveSeed(1, 2, 3), deriveSeed(1, 23), deriveSeed(12, 3), deriveSeed(1, "train", 2), deriveSeed(1)];
    expect(new Set(seeds).size).toBe(seeds.length);
  });

  it("spreads consecutive trial numbers", () => {
    const seeds = new Set(Array.from({ length: 10000 }, (_, n) => deriveSeed(42, n)));
    expect(seeds.size).toBeGreaterThan(9990);
  });
});
