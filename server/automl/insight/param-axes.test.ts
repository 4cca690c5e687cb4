import { describe, expect, it } from "vitest";
import { encodeValue, inferAxes } from "./param-axes";
import type { Params } from "./types";

describe("inferAxes / encodeValue", () => {
  const trials: Params[] = [
    { depth: 1, lr: 1e-4, act: "relu", norm: true, epochs: 200, units_1: 16 },
    { depth: 2, lr: 1e-2, act: "tanh", norm: false, epochs: 200 },
    { depth: 3, lr: 1e-3, act: "gelu", norm: true, epochs: 200, units_1: 512 },
  ];

  it("infers numeric axes (log when positive and spanning a decade), categorical ones, absences; drops fixed values", () => {
    expect(inferAxes(trials)).toEqual([
      { name: "depth", kind: "numeric", log: false, low: 1, high: 3, absent: false },
      { name: "lr", kind: "numeric", log: true, low: 1e-4, high: 1e-2, absent: false },
      { name: "act", kind: "categorical", categories: ["gelu", "relu", "tanh"], absent: false },
      { name: "norm", kind: "categorical", categories: ["false", "true"], absent: false },
      { name: "units_1", kind: "numeric", log: true, low: 16, high: 512, absent: true },
    ]);
  });

  it("encodes values on their axis's scale in [0, 1], categories as indices, absences as null", () => {
    const [depth, lr, act, norm, units] = inferAxes(trials);
    expect(encodeValue(depth, 2)).toBe(0.5);
    expect(encodeValue(lr, 1e-3)).toBeCloseTo(0.5, 12);
    expect(encodeValue(act, "tanh")).toBe(2);
    expect(encodeValue(norm, true)).toBe(1);
    expect(encodeValue(units, undefined)).toBeNull();
    expect(encodeValue(act, "unknown")).toBeNull();
  });
});
