import { describe, expect, it } from "vitest";
import { chooseParent, sharedValues } from "./weight-inheritance";

const child = { nas_space: "chain", chain_depth: 2, chain_units_0: 128, chain_units_1: 64, learning_rate: 0.001 };

describe("chooseParent", () => {
  it("takes the candidate sharing the most values: an evolution child's parent differs in one", () => {
    const parent = { number: 3, params: { ...child, chain_units_1: 32 }, value: 0.7 };
    const other = { number: 5, params: { ...child, chain_depth: 3, chain_units_1: 32, chain_units_2: 16, learning_rate: 0.01 }, value: 0.9 };
    expect(sharedValues(child, parent.params)).toBe(4);
    expect(chooseParent(child, [other, parent], "maximize")).toBe(parent);
  });

  it("breaks ties by score (in the metric's direction), then by the later trial", () => {
    const a = { number: 1, params: { ...child, learning_rate: 0.1 }, value: 0.4 };
    const b = { number: 2, params: { ...child, learning_rate: 0.2 }, value: 0.3 };
    const c = { number: 4, params: { ...child, learning_rate: 0.3 }, value: 0.3 };
    expect(chooseParent(child, [a, b, c], "maximize")).toBe(a);
    expect(chooseParent(child, [a, b, c], "minimize")).toBe(c);
  });

  it("has no parent when nothing is shared", () => {
    expect(chooseParent(child, [{ number: 0, params: { nas_space: "cell" }, value: 1 }], "maximize")).toBeNull();
    expect(chooseParent(child, [], "maximize")).toBeNull();
  });
});
