/**
 * The suite every `TrialStore` must pass (Optuna runs one storage suite against every backend).
 * Usage, in a `*.test.ts` beside the implementation:
 *
 *   trialStoreContract("PrismaTrialStore", async () => new PrismaTrialStore(await freshDb()));
 *
 * `makeStore` must return an empty store each time (tests use study ids "s1" and "s2").
 */
import { describe, expect, it } from "vitest";
import type { ProposedTrial, TrialStore } from "./trial-store";

const proposal = (number: number, units = 32): ProposedTrial => ({
  number,
  params: { lr: 0.001 * (number + 1), units, act: "relu", bn: true },
  distributions: {
    lr: { kind: "float", low: 1e-5, high: 1, log: true },
    units: { kind: "int", low: 8, high: 512, step: 8, log: false },
    act: { kind: "choice", choices: ["relu", "tanh", 3, false] },
    bn: { kind: "bool" },
  },
});

export function trialStoreContract(name: string, makeStore: () => TrialStore | Promise<TrialStore>): void {
  describe(`TrialStore contract: ${name}`, () => {
    it("starts empty", async () => {
      const store = await makeStore();
      expect(await store.finishedTrials("s1")).toEqual([]);
    });

    it("does not list running trials", async () => {
      const store = await makeStore();
      await store.saveProposal("s1", proposal(0));
      expect(await store.finishedTrials("s1")).toEqual([]);
    });

    it("round-trips params, distributions, value and state", async () => {
      const store = await makeStore();
      await store.saveProposal("s1", proposal(0));
      await store.saveProposal("s1", proposal(1));
      await store.saveProposal("s1", proposal(2));
      const saved = await store.saveResult("s1", 0, { value: 0.75, state: "complete" });
      await store.saveResult("s1", 1, { value: 0.5, state: "pruned", step: 9 });
      await store.saveResult("s1", 2, { value: null, state: "failed" });
      expect(saved).toEqual({ ...proposal(0), value: 0.75, state: "complete" });
      expect(await store.finishedTrials("s1")).toEqual([
        { ...proposal(0), value: 0.75, state: "complete" },
        { ...proposal(1), value: 0.5, state: "pruned", step: 9 },
        { ...proposal(2), value: null, state: "failed" },
      ]);
    });

    it("round-trips how far a trial breaks the constraints", async () => {
      const store = await makeStore();
      await store.saveProposal("s1", proposal(0));
      await store.saveProposal("s1", proposal(1));
      await store.saveResult("s1", 0, { value: 0.9, state: "complete", violation: 1.5 });
      await store.saveResult("s1", 1, { value: 0.4, state: "complete", violation: 0 });
      expect(await store.finishedTrials("s1")).toEqual([
        { ...proposal(0), value: 0.9, state: "complete", violation: 1.5 },
        { ...proposal(1), value: 0.4, state: "complete", violation: 0 },
      ]);
    });

    it("orders finished trials by number, whatever the order they finish in", async () => {
      const store = await makeStore();
      for (const n of [0, 1, 2, 3]) await store.saveProposal("s1", proposal(n));
      for (const n of [3, 0, 2]) await store.saveResult("s1", n, { value: n, state: "complete" });
      expect((await store.finishedTrials("s1")).map((t) => t.number)).toEqual([0, 2, 3]);
    });

    it("keeps studies apart", async () => {
      const store = await makeStore();
      await store.saveProposal("s1", proposal(0));
      await store.saveProposal("s2", proposal(0, 64));
      await store.saveResult("s2", 0, { value: 1, state: "complete" });
      expect(await store.finishedTrials("s1")).toEqual([]);
      expect((await store.finishedTrials("s2"))[0].params.units).toBe(64);
      await store.saveResult("s1", 0, { value: 2, state: "complete" });
      expect((await store.finishedTrials("s1"))[0]).toMatchObject({ value: 2, params: { units: 32 } });
    });

    it("treats saving the same proposal again as a no-op, even after it finished", async () => {
      const store = await makeStore();
      await store.saveProposal("s1", proposal(0));
      await store.saveProposal("s1", proposal(0));
      await store.saveResult("s1", 0, { value: 1, state: "complete" });
      await store.saveProposal("s1", proposal(0));
      expect(await store.finishedTrials("s1")).toEqual([{ ...proposal(0), value: 1, state: "complete" }]);
    });

    it("rejects a different proposal for an existing number", async () => {
      const store = await makeStore();
      await store.saveProposal("s1", proposal(0));
      await expect(store.saveProposal("s1", proposal(0, 64))).rejects.toThrow(/different params/);
    });

    it("rejects a result for a trial never proposed, and a second result", async () => {
      const store = await makeStore();
      await expect(store.saveResult("s1", 5, { value: 1, state: "complete" })).rejects.toThrow(/never proposed/);
      await store.saveProposal("s1", proposal(5));
      await store.saveResult("s1", 5, { value: 1, state: "complete" });
      await expect(store.saveResult("s1", 5, { value: 2, state: "complete" })).rejects.toThrow(/already finished/);
    });

    it("lists every proposal, running or finished, ordered by number", async () => {
      const store = await makeStore();
      for (const n of [2, 0, 1]) await store.saveProposal("s1", proposal(n));
      await store.saveProposal("s2", proposal(0, 64));
      await store.saveResult("s1", 1, { value: 1, state: "complete" });
      expect(await store.proposals("s1")).toEqual([proposal(0), proposal(1), proposal(2)]);
      expect(await store.proposals("s3")).toEqual([]);
      const [first] = await store.proposals("s1");
      first.params.units = 999;
      expect((await store.proposals("s1"))[0].params.units).toBe(32);
    });

    it("returns copies that callers may mutate freely", async () => {
      const store = await makeStore();
      const p = proposal(0);
      await store.saveProposal("s1", p);
      p.params.units = 999;
      await store.saveResult("s1", 0, { value: 1, state: "complete" });
      const [first] = await store.finishedTrials("s1");
      expect(first.params.units).toBe(32);
      first.params.units = 1234;
      expect((await store.finishedTrials("s1"))[0].params.units).toBe(32);
    });
  });
}
