import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunInsightDto } from "../contracts/insight";
import { MAX_HISTORY_POINTS } from "../automl/insight/history";
import { MAX_FIT_TRIALS } from "../automl/insight/importance";
import { MAX_LINES } from "../automl/insight/parallel-coordinates";
import { describeError } from "./errors";
import { getRunInsight, keptRunInsight } from "./get-run-insight";
import { bodyOf, tempContext } from "./test-context";
import { uploadDataset } from "./upload-dataset";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());

async function newRun(metric: "auc" | "rmse" = "auc") {
  const ds = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("a,b\n1,x\n2,y\n3,x\n") });
  return ctx.store.createRun({ id: "r1", datasetId: ds.id, label: "b", problemType: "binary", metric, strategy: "random", scheduler: "none", seed: 0, maxTrials: null, budgetSeconds: null, spaceVersion: "1" });
}

/** trial i: a log-scaled learning rate that decides the score, an activation that matters a little, a fixed value */
const paramsOf = (i: number) => ({ learning_rate: 1e-4 * 100 ** ((i * 37) % 100 / 99), activation: ["relu", "tanh"][i % 2], patience: 10 });
const scoreOf = (i: number) => 0.5 + 0.4 * (((i * 37) % 100) / 99) + (i % 2) * 0.02;

describe("get-run-insight", () => {
  it("describes the finished trials: history, parallel coordinates and importance; unfinished ones are left out", async () => {
    const run = await newRun();
    for (let i = 0; i < 12; i++) {
      await ctx.store.createTrial({ id: `t${i}`, runId: run.id, number: i, family: "mlp", params: paramsOf(i), spaceVersion: "1" });
      if (i < 10) await ctx.store.updateTrial(`t${i}`, { status: i === 9 ? "stopped" : "done", valScore: scoreOf(i) });
    }
    await ctx.store.updateTrial("t10", { status: "failed" });

    const insight = RunInsightDto.parse(await getRunInsight(ctx, run.id));
    expect(insight).toMatchObject({ runId: "r1", direction: "max", finishedTrials: 10 });
    expect(insight.history.points.map((p) => p.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const best = insight.history.points.map((p) => p.best);
    expect(best).toEqual([...best].sort((a, b) => a - b));
    expect(best.at(-1)).toBe(Math.max(...Array.from({ length: 10 }, (_, i) => scoreOf(i))));

    expect(insight.parallel.axes).toEqual([
      { name: "learning_rate", kind: "numeric", log: true, low: expect.any(Number), high: expect.any(Number), absent: false },
      { name: "activation", kind: "categorical", categories: ["relu", "tanh"], absent: false },
    ]);
    expect(insight.parallel.lines).toHaveLength(10);
    expect(insight.parallel.lines[1]).toMatchObject({ number: 1, coords: [expect.any(Number), 1] });

    expect(insight.importance.params!.map((p) => p.name)).toEqual(["learning_rate", "activation"]);
    expect(insight.importance.params![0].importance).toBeGreaterThan(0.5);

    // the score-against-cost chart's candidates: the finished ones with their costs, not whole leaderboard rows
    expect(insight.pareto.total).toBe(10);
    expect(insight.pareto.candidates.map((c) => c.number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(insight.pareto.candidates[3]).toEqual({ id: "t3", number: 3, family: "mlp", valScore: scoreOf(3), paramCount: null, archiveBytes: null, durationSeconds: null, predictMsPer1k: null, infeasibleReason: null });
  });

  it("keeps a finished run's insight in the store, and computes it again once the run is continued", async () => {
    const run = await newRun();
    for (let i = 0; i < 6; i++) {
      await ctx.store.createTrial({ id: `t${i}`, runId: run.id, number: i, family: "mlp", params: paramsOf(i), spaceVersion: "1" });
      await ctx.store.updateTrial(`t${i}`, { status: "done", valScore: scoreOf(i) });
    }
    // while the run is active its insight is computed on every request and nothing is kept
    expect((await getRunInsight(ctx, run.id)).finishedTrials).toBe(6);
    expect(await keptRunInsight(ctx, run.id)).toBeUndefined();
    expect(await ctx.store.getRunInsight(run.id)).toBeNull();

    await ctx.store.updateRun(run.id, { status: "completed", finishedAt: new Date(1000) });
    expect(await keptRunInsight(ctx, run.id)).toBeUndefined();
    const finished = await getRunInsight(ctx, run.id);
    expect(await ctx.store.getRunInsight(run.id)).toEqual({ key: "insight@1:completed:1000", insight: finished });
    // read back, not computed again: a score changed behind the store's back does not show
    await ctx.store.updateTrial("t0", { valScore: 0.99 });
    expect(await getRunInsight(ctx, run.id)).toEqual(finished);
    expect(await keptRunInsight(ctx, run.id)).toEqual(finished);

    // continued: more trials, then finished again
    await ctx.store.updateRun(run.id, { status: "running" });
    await ctx.store.createTrial({ id: "t6", runId: run.id, number: 6, family: "mlp", params: paramsOf(6), spaceVersion: "1" });
    await ctx.store.updateTrial("t6", { status: "done", valScore: scoreOf(6) });
    expect(await keptRunInsight(ctx, run.id)).toBeUndefined();
    expect((await getRunInsight(ctx, run.id)).finishedTrials).toBe(7);
    await ctx.store.updateRun(run.id, { status: "completed", finishedAt: new Date(2000) });
    expect(await keptRunInsight(ctx, run.id)).toBeUndefined();
    const again = await getRunInsight(ctx, run.id);
    expect(again.finishedTrials).toBe(7);
    expect(again.history.points.at(-1)!.best).toBe(0.99);
    expect((await ctx.store.getRunInsight(run.id))?.key).toBe("insight@1:completed:2000");
  });

  it("has no importance below the minimum of finished trials, and answers 404 for an unknown run", async () => {
    const run = await newRun("rmse");
    await ctx.store.createTrial({ id: "t0", runId: run.id, number: 0, family: "mlp", params: paramsOf(0), spaceVersion: "1" });
    await ctx.store.updateTrial("t0", { status: "done", valScore: 1.5 });
    const insight = await getRunInsight(ctx, run.id);
    expect(insight).toMatchObject({ direction: "min", finishedTrials: 1, importance: { params: null, trialsUsed: 0 } });
    expect(insight.history.points).toEqual([{ number: 0, value: 1.5, best: 1.5 }]);

    const missing = await getRunInsight(ctx, "nope").then(() => null, (e: unknown) => describeError(e));
    expect(missing).toEqual({ status: 404, message: "The run was not found; it may have been deleted." });
  });

  it("builds the insight of 10,000 trials quickly, thinned for the browser", async () => {
    const run = await newRun();
    const seedStart = performance.now();
    for (let start = 0; start < 10_000; start += 500) {
      await Promise.all(
        Array.from({ length: 500 }, async (_, k) => {
          const i = start + k;
          await ctx.store.createTrial({ id: `t${i}`, runId: run.id, number: i, family: "mlp", params: paramsOf(i), spaceVersion: "1" });
          await ctx.store.updateTrial(`t${i}`, { status: "done", valScore: scoreOf(i) });
        }),
      );
    }
    const seeded = performance.now() - seedStart;
    const start = performance.now();
    const insight = await getRunInsight(ctx, run.id);
    const ms = performance.now() - start;
    console.log(`get-run-insight: 10,000 trials in ${ms.toFixed(0)} ms (seeding took ${(seeded / 1000).toFixed(1)} s); JSON ${(JSON.stringify(insight).length / 1024).toFixed(0)} KiB`);
    expect(insight.finishedTrials).toBe(10_000);
    expect(insight.history.total).toBe(10_000);
    expect(insight.history.points.length).toBeLessThanOrEqual(MAX_HISTORY_POINTS);
    expect(insight.parallel.lines).toHaveLength(MAX_LINES);
    expect(insight.importance.trialsUsed).toBe(MAX_FIT_TRIALS);
    expect(insight.importance.params![0].name).toBe("learning_rate");
    expect(ms).toBeLessThan(5000);
  });
});
