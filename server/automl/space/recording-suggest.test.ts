import { describe, expect, it } from "vitest";
import { fromUnit, type Distribution } from "./distributions";
import { RecordingSuggest, replaySpace, type Sampler } from "./recording-suggest";
import type { Params, Suggest } from "./suggest";

/** always the middle of the unit interval */
const middle: Sampler = (_name, dist) => fromUnit(dist, 0.5);

const space = (s: Suggest): Params => {
  const depth = s.int("depth", 1, 4);
  const params: Params = { depth };
  for (let i = 0; i < depth; i++) params[`units_${i}`] = s.int(`units_${i}`, 8, 256, { log: true });
  params.lr = s.float("lr", 1e-4, 1e-1, { log: true });
  params.act = s.choice("act", ["relu", "tanh"]);
  params.bn = s.bool("bn");
  params.optimizer = s.fixed("optimizer", "adam");
  return params;
};

describe("RecordingSuggest", () => {
  it("records the value and distribution of every name asked", () => {
    const s = new RecordingSuggest(middle);
    const returned = space(s);
    expect(s.params).toEqual(returned);
    expect(s.distributions.lr).toEqual({ kind: "float", low: 1e-4, high: 1e-1, log: true });
    expect(s.distributions.optimizer).toEqual({ kind: "fixed", value: "adam" });
    expect(s.recorded().depth).toEqual({ dist: { kind: "int", low: 1, high: 4, step: 1, log: false }, value: 3 });
  });

  it("records conditional parameters only when they are asked", () => {
    const depthOf = (depth: number): Sampler => (name, dist) => (name === "depth" ? depth : fromUnit(dist, 0.5));
    const shallow = new RecordingSuggest(depthOf(1));
    space(shallow);
    expect(Object.keys(shallow.params).filter((k) => k.startsWith("units_"))).toEqual(["units_0"]);
    expect(shallow.distributions.units_1).toBeUndefined();
    const deep = new RecordingSuggest(depthOf(4));
    space(deep);
    expect(Object.keys(deep.distributions).filter((k) => k.startsWith("units_"))).toEqual(["units_0", "units_1", "units_2", "units_3"]);
  });

  it("does not ask the sampler for fixed values", () => {
    const asked: string[] = [];
    const s = new RecordingSuggest((name, dist) => (asked.push(name), fromUnit(dist, 0)));
    expect(s.fixed("opt", 3)).toBe(3);
    expect(asked).toEqual([]);
  });

  it("returns the recorded value when a name is asked again with the same distribution", () => {
    let calls = 0;
    const s = new RecordingSuggest((_n, d) => (calls++, fromUnit(d, Math.random())));
    const a = s.float("lr", 0, 1);
    expect(s.float("lr", 0, 1)).toBe(a);
    expect(calls).toBe(1);
  });

  it("throws when a name is asked again with a different distribution", () => {
    const s = new RecordingSuggest(middle);
    s.int("units", 1, 4);
    expect(() => s.int("units", 1, 8)).toThrow(/"units" was already asked in this trial as int\[1, 4\] and is now asked as int\[1, 8\]/);
    expect(() => s.float("units", 1, 4)).toThrow(/already asked/);
    s.fixed("opt", "adam");
    expect(() => s.fixed("opt", "sgd")).toThrow(/already asked/);
  });

  it("validates arguments before asking the sampler", () => {
    const s = new RecordingSuggest(() => {
      throw new Error("must not be asked");
    });
    expect(() => s.int("units", 10, 1)).toThrow(/hyperparameter "units": invalid int distribution: low \(10\) > high \(1\)/);
    expect(() => s.float("lr", 0, 1, { log: true })).toThrow(/log needs low > 0/);
    expect(() => s.choice("act", [])).toThrow(/at least one choice/);
    expect(() => s.int("", 1, 2)).toThrow(/non-empty/);
  });

  it("rejects a sampled value outside the distribution, naming the sampler", () => {
    const bad: Sampler = (_n, d: Distribution) => (d.kind === "int" ? d.high + 1 : fromUnit(d, 0));
    const s = new RecordingSuggest(bad, 'strategy "broken"');
    expect(() => s.int("units", 1, 4)).toThrow(/strategy "broken" proposed 5 for "units", which is outside int\[1, 4\]/);
    expect(s.params).toEqual({});
    expect(() => new RecordingSuggest(() => "tanh").choice("act", ["relu"])).toThrow(/outside choice/);
  });
});

describe("replaySpace", () => {
  it("rebuilds distributions from stored params", () => {
    const original = new RecordingSuggest(middle);
    space(original);
    expect(replaySpace(space, original.params)).toEqual({ params: original.params, distributions: original.distributions });
  });

  it("throws for missing or out-of-range stored values", () => {
    expect(() => replaySpace(space, { depth: 1 })).toThrow(/asks "units_0"/);
    expect(() => replaySpace(space, { depth: 9 })).toThrow(/stored params proposed 9 for "depth"/);
  });
});
