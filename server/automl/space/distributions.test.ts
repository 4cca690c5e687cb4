import { describe, expect, it } from "vitest";
import {
  cardinality,
  choiceDistribution,
  contains,
  describeDistribution,
  distributionSchema,
  enumerate,
  fixedDistribution,
  floatDistribution,
  fromUnit,
  intDistribution,
  sameDistribution,
  toUnit,
  type Distribution,
} from "./distributions";

const all: Distribution[] = [
  intDistribution(1, 10),
  intDistribution(8, 512, { step: 8 }),
  intDistribution(1, 1000, { log: true }),
  floatDistribution(-1, 1),
  floatDistribution(1e-5, 1, { log: true }),
  floatDistribution(0, 0.5, { step: 0.1 }),
  choiceDistribution(["a", 2, true]),
  { kind: "bool" },
  fixedDistribution("x"),
];

describe("distribution constructors", () => {
  it("fill defaults", () => {
    expect(intDistribution(1, 4)).toEqual({ kind: "int", low: 1, high: 4, step: 1, log: false });
    expect(floatDistribution(0, 1)).toEqual({ kind: "float", low: 0, high: 1, log: false });
    expect(floatDistribution(0, 1, { step: 0.5 })).toEqual({ kind: "float", low: 0, high: 1, log: false, step: 0.5 });
  });

  it("reject invalid arguments with a readable message", () => {
    expect(() => intDistribution(5, 1)).toThrow(/low \(5\) > high \(1\)/);
    expect(() => intDistribution(1.5, 3)).toThrow(/integers/);
    expect(() => intDistribution(0, 10, { step: 3 })).toThrow(/multiple of step/);
    expect(() => intDistribution(0, 10, { log: true })).toThrow(/log needs low >= 1/);
    expect(() => intDistribution(1, 9, { log: true, step: 2 })).toThrow(/cannot be combined/);
    expect(() => floatDistribution(0, 1, { log: true })).toThrow(/log needs low > 0/);
    expect(() => floatDistribution(0, 1, { step: 0.3 })).toThrow(/multiple of step/);
    expect(() => floatDistribution(0, 1, { step: -1 })).toThrow(/positive/);
    expect(() => floatDistribution(0, Infinity)).toThrow(/finite/);
    expect(() => choiceDistribution([])).toThrow(/at least one/);
    expect(() => choiceDistribution(["a", "a"])).toThrow(/distinct/);
    expect(() => choiceDistribution([NaN])).toThrow();
  });

  it("accept float steps that are not exact in binary", () => {
    expect(() => floatDistribution(0, 0.3, { step: 0.1 })).not.toThrow();
    expect(enumerate(floatDistribution(0, 0.3, { step: 0.1 }))).toEqual([0, 0.1, 0.2, 0.3]);
    expect(enumerate(floatDistribution(0.001, 0.004, { step: 0.001 }))).toEqual([0.001, 0.002, 0.003, 0.004]);
  });
});

describe("distributionSchema", () => {
  it("round-trips every kind through JSON", () => {
    for (const d of all) expect(distributionSchema.parse(JSON.parse(JSON.stringify(d)))).toEqual(d);
  });

  it("rejects broken stored forms", () => {
    expect(distributionSchema.safeParse({ kind: "int", low: 5, high: 1, step: 1, log: false }).success).toBe(false);
    expect(distributionSchema.safeParse({ kind: "float", low: 0, high: 1 }).success).toBe(false);
    expect(distributionSchema.safeParse({ kind: "choice", choices: [] }).success).toBe(false);
    expect(distributionSchema.safeParse({ kind: "gaussian" }).success).toBe(false);
    expect(distributionSchema.safeParse({ kind: "bool", extra: 1 }).success).toBe(false);
  });
});

describe("contains", () => {
  it("checks type, range and grid", () => {
    const i = intDistribution(8, 64, { step: 8 });
    expect([8, 16, 64].map((v) => contains(i, v))).toEqual([true, true, true]);
    expect([0, 12, 72, 8.5, "8", null].map((v) => contains(i, v))).toEqual([false, false, false, false, false, false]);
    const f = floatDistribution(0, 1, { step: 0.1 });
    expect(contains(f, 0.30000000000000004)).toBe(true);
    expect(contains(f, 0.35)).toBe(false);
    expect(contains(floatDistribution(0, 1), 1)).toBe(true);
    expect(contains(floatDistribution(0, 1), 1.0001)).toBe(false);
    expect(contains(floatDistribution(0, 1), NaN)).toBe(false);
    expect(contains(choiceDistribution(["a", 1]), 1)).toBe(true);
    expect(contains(choiceDistribution(["a", 1]), "1")).toBe(false);
    expect(contains({ kind: "bool" }, 0)).toBe(false);
    expect(contains(fixedDistribution(3), 3)).toBe(true);
    expect(contains(fixedDistribution(3), 4)).toBe(false);
  });
});

describe("the unit interval", () => {
  it("fromUnit always lands inside the distribution, ends included", () => {
    for (const d of all) for (let u = 0; u <= 1.0000001; u += 0.01) expect(contains(d, fromUnit(d, u))).toBe(true);
    for (const d of all) expect(contains(d, fromUnit(d, 1.5))).toBe(true);
  });

  it("toUnit inverts fromUnit on every value of a finite distribution", () => {
    for (const d of all.filter((d) => Number.isFinite(cardinality(d)) && cardinality(d) < 2000)) {
      for (const v of d.kind === "int" && d.log ? [1, 2, 17, 999, 1000] : enumerate(d)) {
        const u = toUnit(d, v);
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(1);
        expect(fromUnit(d, u)).toBe(v);
      }
    }
  });

  it("maps continuous floats linearly or logarithmically", () => {
    expect(fromUnit(floatDistribution(2, 4), 0.5)).toBe(3);
    expect(fromUnit(floatDistribution(1e-4, 1, { log: true }), 0.5)).toBeCloseTo(1e-2, 10);
    expect(toUnit(floatDistribution(1e-4, 1, { log: true }), 1e-3)).toBeCloseTo(0.25, 10);
    expect(toUnit(floatDistribution(3, 3), 3)).toBe(0.5);
  });

  it("gives grid values equal cells", () => {
    const d = intDistribution(0, 3);
    expect([0, 0.24, 0.25, 0.5, 0.99, 1].map((u) => fromUnit(d, u))).toEqual([0, 0, 1, 2, 3, 3]);
    expect(toUnit(d, 0)).toBe(0.125);
  });

  it("toUnit rejects values outside", () => {
    expect(() => toUnit(intDistribution(0, 3), 4)).toThrow(/not in int\[0, 3\]/);
  });
});

describe("helpers", () => {
  it("compare and describe", () => {
    expect(sameDistribution(floatDistribution(0, 1), { kind: "float", low: 0, high: 1, log: false, step: undefined })).toBe(true);
    expect(sameDistribution(intDistribution(1, 4), intDistribution(1, 8))).toBe(false);
    expect(sameDistribution(choiceDistribution(["a", "b"]), choiceDistribution(["b", "a"]))).toBe(false);
    expect(describeDistribution(intDistribution(8, 64, { step: 8 }))).toBe("int[8, 64] step 8");
    expect(describeDistribution(floatDistribution(1e-4, 0.1, { log: true }))).toBe("float[0.0001, 0.1] log");
    expect(describeDistribution(choiceDistribution(["relu", 2]))).toBe('choice("relu", 2)');
  });

  it("count and enumerate finite distributions", () => {
    expect(cardinality(intDistribution(8, 64, { step: 8 }))).toBe(8);
    expect(cardinality(floatDistribution(0, 1))).toBe(Infinity);
    expect(enumerate({ kind: "bool" })).toEqual([false, true]);
    expect(() => enumerate(floatDistribution(0, 1))).toThrow(/continuous/);
  });
});
