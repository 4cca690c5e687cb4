import { describe, expect, it } from "vitest";
import { constrainedHistory } from "./constrained-history";
import { Study } from "./study";
import { MemoryTrialStore } from "./store/memory-trial-store";
import { createStrategy } from "./strategies";
import type { FinishedTrial } from "./space/trial-record";

const trial = (number: number, value: number | null, violation?: number): FinishedTrial => ({
  number,
  params: { x: number },
  distributions: { x: { kind: "int", low: 0, high: 100, step: 1, log: false } },
  value,
  state: value === null ? "failed" : "complete",
  ...(violation !== undefined && { violation }),
});

describe("constrainedHistory", () => {
  it("ranks every infeasible trial below every feasible one, the further off the lower, whatever its own value", () => {
    const history = [trial(0, 0.7), trial(1, 0.99, 0.1), trial(2, 0.6), trial(3, 0.95, 2), trial(4, null), trial(5, 0.8, 0)];
    const seen = constrainedHistory(history, "maximize");
    const value = (n: number) => seen[n].value as number;
    // feasible values (0 is feasible) and failed trials are untouched
    expect([value(0), value(2), value(5), seen[4].value]).toEqual([0.7, 0.6, 0.8, null]);
    // worst feasible 0.6, spread 0.2: 0.6 - 0.2 * (1 + log1p(violation))
    expect(value(1)).toBeCloseTo(0.6 - 0.2 * (1 + Math.log1p(0.1)), 12);
    expect(value(3)).toBeCloseTo(0.6 - 0.2 * (1 + Math.log1p(2)), 12);
    expect(value(1)).toBeLessThan(0.6);
    expect(value(3)).toBeLessThan(value(1));
    // the violation itself stays visible to strategies that model it
    expect(seen[3].violation).toBe(2);
  });

  it("moves infeasible values above every feasible one when lower is better", () => {
    const seen = constrainedHistory([trial(0, 0.3), trial(1, 0.1, 0.5), trial(2, 0.5)], "minimize");
    expect(seen[1].value).toBeCloseTo(0.5 + 0.2 * (1 + Math.log1p(0.5)), 12);
  });

  it("orders infeasible trials by violation alone while none is feasible", () => {
    const seen = constrainedHistory([trial(0, 0.9, 3), trial(1, 0.5, 0.2), trial(2, 0.7, 1)], "maximize");
    const order = [...seen].sort((a, b) => (b.value as number) - (a.value as number)).map((t) => t.number);
    expect(order).toEqual([1, 2, 0]);
  });

  it("hands the history over unchanged when every trial is feasible", () => {
    const history = [trial(0, 0.7), trial(1, 0.5, 0)];
    expect(constrainedHistory(history, "maximize")).toBe(history);
  });
});

describe("a study under constraints", () => {
  it("never calls an infeasible trial its best, and rejects a negative violation", async () => {
    const study = new Study({ studyId: "s", strategy: createStrategy("random"), direction: "maximize", seed: 1, store: new MemoryTrialStore(), batchSize: 1 });
    const ask = (n: number) => study.ask(n, (s) => s.int("x", 0, 100));
    await ask(0);
    await study.tell(0, 0.5);
    await ask(1);
    await study.tell(1, 0.9, "complete", undefined, 1.2);
    await ask(2);
    await expect(study.tell(2, 0.4, "complete", undefined, -1)).rejects.toThrow(/violation/);
    expect((await study.best())?.number).toBe(0);
    expect((await study.trials())[1].violation).toBe(1.2);
  });
});
