/**
 * Serving constraints through the real pipeline: real training, archives and timings, on a small CSV. A size limit
 * between the linear models' archives and the forests' makes the forests infeasible: kept, with the reason, but never
 * the run's best. A training time limit stops every candidate at once.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createRng } from "../automl/rng";
import { isFeasible } from "../contracts/run";
import type { StudioContext } from "../context";
import { toRunDto, toTrialDto } from "../usecases/dto";
import { tempContext, trainRun } from "../usecases/test-context";

const contexts: Awaited<ReturnType<typeof tempContext>>[] = [];
afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.dispose();
});

/** 300 rows, four numeric features, a binary label that depends on two of them (with noise) */
function csv(): string {
  const rng = createRng(3);
  const rows = ["a,b,c,d,label"];
  for (let i = 0; i < 300; i++) {
    const [a, b, c, d] = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
    rows.push(`${a.toFixed(4)},${b.toFixed(4)},${c.toFixed(4)},${d.toFixed(4)},${a + 0.5 * b + 0.5 * rng.normal() > 0 ? "yes" : "no"}`);
  }
  return rows.join("\n");
}

/** the run as the API sends it, and every one of its candidates */
async function runAndTrials(ctx: StudioContext, id: string) {
  const trials = await ctx.store.listTrials(id);
  return { run: toRunDto((await ctx.store.getRun(id))!, trials, { workers: 1 }), trials: trials.map((t) => toTrialDto(t)) };
}

const RUN = { label: "label", maxTrials: 4, seed: 5, families: ["linear" as const, "forest" as const] };

describe("serving constraints in a real run", () => {
  it("marks the candidates over the size limit infeasible with the reason, and picks the best feasible one", async () => {
    const ctx = await tempContext();
    contexts.push(ctx);
    const data = csv();
    // the same run without a limit: how large each family's archives are
    const free = await runAndTrials(ctx, await trainRun(ctx, data, "free.csv", RUN));
    const searched = free.trials.filter((t) => t.family !== "ensemble");
    const largestLinear = Math.max(...searched.filter((t) => t.family === "linear").map((t) => t.archiveBytes!));
    const smallestForest = Math.min(...searched.filter((t) => t.family === "forest").map((t) => t.archiveBytes!));
    expect(largestLinear).toBeLessThan(smallestForest);
    const maxArchiveBytes = Math.round((largestLinear + smallestForest) / 2);

    const { run, trials } = await runAndTrials(ctx, await trainRun(ctx, data, "limited.csv", { ...RUN, constraints: { maxArchiveBytes } }));
    expect(run.constraints).toEqual({ maxArchiveBytes, maxPredictMsPer1k: null, maxTrainSeconds: null });
    const finished = trials.filter((t) => t.archiveBytes !== null);
    const over = finished.filter((t) => t.archiveBytes! > maxArchiveBytes);
    expect(over.length).toBeGreaterThan(0);
    // cross-validated (300 rows), a candidate is a bag of its 5 fold models: its reason says what would make it 5 times smaller
    const bagHint = ' (it is a bag of 5 fold models: with the final model "refit", a run keeps one, 5 times smaller and faster)';
    const overSize = /^archive [\d.]+ MB is over the [\d.]+ MB limit/;
    for (const t of over) {
      expect(t.infeasibleReason).toMatch(overSize);
      expect(t.infeasibleReason!.replace(overSize, "")).toBe(t.family === "ensemble" ? "" : bagHint);
    }
    for (const t of finished.filter((t) => t.archiveBytes! <= maxArchiveBytes)) expect(t.infeasibleReason).toBeNull();
    // the infeasible keep their scores (shown, not chosen)
    expect(over.every((t) => t.valScore !== null)).toBe(true);
    const best = trials.find((t) => t.id === run.bestTrialId)!;
    expect(isFeasible(best)).toBe(true);
    expect(best.archiveBytes).toBeLessThanOrEqual(maxArchiveBytes);
    const stored = await ctx.store.getRun(run.id);
    expect(stored!.bestTrialId).toBe(best.id);
    // ensembles combine feasible members only
    const feasibleNumbers = new Set(finished.filter((t) => t.family !== "ensemble" && isFeasible(t)).map((t) => t.number));
    for (const e of trials.filter((t) => t.family === "ensemble")) {
      for (const [, n] of e.reason!.matchAll(/#(\d+)/g)) expect(feasibleNumbers.has(Number(n))).toBe(true);
    }
    const bestFeasibleScore = Math.max(...finished.filter(isFeasible).map((t) => t.valScore!));
    expect(best.valScore).toBe(bestFeasibleScore);
  }, 240_000);

  it("stops training at the time limit and leaves the run without a best model when no candidate meets it", async () => {
    const ctx = await tempContext();
    contexts.push(ctx);
    const { run, trials } = await runAndTrials(ctx, await trainRun(ctx, csv(), "timed.csv", { ...RUN, maxTrials: 2, constraints: { maxTrainSeconds: 0.001 } }));
    expect(trials.filter((t) => t.family !== "ensemble").map((t) => t.infeasibleReason)).toEqual(["training reached the 0.001 s limit and was stopped there", "training reached the 0.001 s limit and was stopped there"]);
    expect(trials.every((t) => t.reason?.includes("training time limit ran out"))).toBe(true);
    expect(run.bestTrialId).toBeNull();
    expect(run.error).toBe("no candidate met the run's constraints");
  }, 120_000);
});
