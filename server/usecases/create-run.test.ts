import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRun } from "./create-run";
import { describeError } from "./errors";
import { getRun } from "./get-run";
import { cancelRun } from "./cancel-run";
import { continueRun } from "./continue-run";
import { deleteRun } from "./delete-run";
import { listRuns } from "./list-runs";
import { uploadDataset } from "./upload-dataset";
import { bodyOf, tempContext } from "./test-context";

const CSV = "x,y,label,const,price\n" + Array.from({ length: 30 }, (_, i) => `${i},${(i * 7) % 5},${i % 2 ? "yes" : "no"},same,${(i * 1.37).toFixed(2)}`).join("\n") + "\n";

let ctx: Awaited<ReturnType<typeof tempContext>>;
let datasetId: string;
beforeEach(async () => {
  ctx = await tempContext();
  datasetId = (await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf(CSV) })).id;
});
afterEach(async () => ctx.dispose());

const error = (p: Promise<unknown>) => p.then(() => ({ status: 0, message: "no error" }), describeError);

describe("create-run", () => {
  it("queues a run with the detected problem type, the default metric and seed 0", async () => {
    const run = await createRun(ctx, { datasetId, label: "label", maxTrials: 3 });
    expect(run).toMatchObject({ status: "queued", problemType: "binary", seed: 0, maxTrials: 3, budgetSeconds: null, strategy: "random", scheduler: "none" });
    const reg = await createRun(ctx, { datasetId, label: "price", budgetMinutes: 1.5, metric: "mae", seed: 7 });
    expect(reg).toMatchObject({ problemType: "regression", metric: "mae", direction: "min", budgetSeconds: 90, seed: 7 });
    expect((await listRuns(ctx, { datasetId })).runs).toHaveLength(2);
  });

  it("explains what is wrong with a request", async () => {
    expect(await error(createRun(ctx, { datasetId, label: "label" }))).toMatchObject({ status: 400, message: expect.stringMatching(/time budget|trials/) });
    expect(await error(createRun(ctx, { datasetId, label: "nope", maxTrials: 1 }))).toMatchObject({ status: 400, message: expect.stringMatching(/no column named "nope"/) });
    expect(await error(createRun(ctx, { datasetId, label: "const", maxTrials: 1 }))).toMatchObject({ status: 400, message: expect.stringMatching(/only one class/) });
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 1, metric: "rmse" }))).toMatchObject({ status: 400, message: expect.stringMatching(/does not apply/) });
    expect(await error(createRun(ctx, { datasetId, label: "label", problemType: "regression", maxTrials: 1 }))).toMatchObject({ status: 400 });
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 0 }))).toMatchObject({ status: 400 });
    expect(await error(createRun(ctx, { datasetId: "missing", label: "label", maxTrials: 1 }))).toMatchObject({ status: 404 });
  });
});

describe("run lifecycle", () => {
  it("cancels, continues with more budget, and deletes", async () => {
    const run = await createRun(ctx, { datasetId, label: "label", maxTrials: 2 });
    expect(await error(continueRun(ctx, run.id, { extraTrials: 2 }))).toMatchObject({ status: 409 });
    expect((await cancelRun(ctx, run.id)).status).toBe("cancelling");
    expect(await error(cancelRun(ctx, run.id))).toMatchObject({ status: 0 }); // idempotent while cancelling
    await ctx.store.transitionRun(run.id, ["cancelling"], { status: "cancelled", elapsedSeconds: 30, finishedAt: new Date() });
    expect(await error(cancelRun(ctx, run.id))).toMatchObject({ status: 409 });
    expect(await error(continueRun(ctx, run.id, {}))).toMatchObject({ status: 400 });
    const continued = await continueRun(ctx, run.id, { extraTrials: 3, extraMinutes: 1 });
    expect(continued).toMatchObject({ status: "queued", maxTrials: 3, budgetSeconds: 90 });
    expect((await getRun(ctx, run.id)).run.finishedAt).toBeNull();
    await deleteRun(ctx, run.id);
    expect(await error(getRun(ctx, run.id))).toMatchObject({ status: 404 });
  });

  it("sorts the leaderboard best first in the metric's direction", async () => {
    const run = await createRun(ctx, { datasetId, label: "price", maxTrials: 4, metric: "rmse" });
    const scores = [3, 1, null, 2];
    for (const [i, s] of scores.entries()) {
      const t = await ctx.store.createTrial({ id: `${run.id}-t${i}`, runId: run.id, number: i, family: "mlp", params: { units: 8 * (i + 1) }, spaceVersion: "1" });
      if (s !== null) await ctx.store.updateTrial(t.id, { status: "done", valScore: s, testScore: s + 0.5, trainSeconds: 2 });
    }
    await ctx.store.transitionRun(run.id, ["queued"], { status: "running", startedAt: new Date() });
    const detail = await getRun(ctx, run.id);
    expect(detail.trials.map((t) => t.valScore)).toEqual([1, 2, 3, null]);
    expect(detail.run).toMatchObject({ bestValScore: 1, bestTestScore: 1.5, direction: "min", trialCount: 4 });
    expect(detail.run.estimatedSecondsLeft).not.toBeNull();
  });
});
