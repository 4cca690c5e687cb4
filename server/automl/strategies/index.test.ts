import { describe, expect, it } from "vitest";
import { STRATEGY_NAMES } from "../../contracts/run";
import { createStrategy, strategyNames } from "./index";

describe("strategy registry", () => {
  it("creates every registered strategy, and the API offers exactly these", () => {
    for (const name of strategyNames()) expect(createStrategy(name).name).toBe(name);
    expect(strategyNames()).toEqual([...STRATEGY_NAMES].sort());
  });

  it("lists the available names for an unknown one", () => {
    expect(() => createStrategy("bayes")).toThrow(/unknown strategy "bayes"; available: .*random/);
    expect(() => createStrategy("toString")).toThrow(/unknown strategy/);
  });

  it("rejects options a strategy does not take", () => {
    expect(() => createStrategy("random", { nope: 1 })).toThrow(/invalid options for strategy "random"/);
  });
});
