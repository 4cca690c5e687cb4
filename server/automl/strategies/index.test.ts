import { describe, expect, it } from "vitest";
import { createStrategy, strategyNames } from "./index";

describe("strategy registry", () => {
  it("creates a registered strategy", () => {
    expect(createStrategy("random").name).toBe("random");
    expect(strategyNames()).toContain("random");
  });

  it("lists the available names for an unknown one", () => {
    expect(() => createStrategy("bayes")).toThrow(/unknown strategy "bayes"; available: .*random/);
    expect(() => createStrategy("toString")).toThrow(/unknown strategy/);
  });

  it("rejects options a strategy does not take", () => {
    expect(() => createStrategy("random", { nope: 1 })).toThrow(/invalid options for strategy "random"/);
  });
});
