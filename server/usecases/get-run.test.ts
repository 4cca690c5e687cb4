import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedRun } from "../../bench/ui/seed";
import { describeError } from "./errors";
import { getRun, getRunOverview } from "./get-run";
import { tempContext } from "./test-context";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeAll(async () => {
  ctx = await tempContext();
});
afterAll(async () => ctx.dispose());

describe("get-run", () => {
  it("gives the run page the same run as the whole leaderboard does, with its best candidate, from lean rows", async () => {
    const { runId, trials } = await seedRun(ctx.store, { trials: 120, pointsPerTrial: 1, seed: 5 });
    // JSON columns the lean read leaves out: the run's summary must not depend on them
    await ctx.store.updateTrial(trials[0].id, { valMetrics: { auc: 0.5 }, testMetrics: { auc: 0.4 }, rungScores: [0.1] });
    const whole = await getRun(ctx, runId);
    const overview = await getRunOverview(ctx, runId);
    expect(overview.run).toEqual(whole.run);
    expect(overview.run.trialCount).toBe(120);
    const best = whole.trials.find((t) => t.id === whole.run.bestTrialId)!;
    expect(best.infeasibleReason).toBeNull();
    expect(overview.best).toEqual(best);
    expect(describeError(await getRunOverview(ctx, "nope").catch((e: unknown) => e)).status).toBe(404);
  });
});
