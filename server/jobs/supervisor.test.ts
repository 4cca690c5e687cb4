import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createRun } from "../usecases/create-run";
import { uploadDataset } from "../usecases/upload-dataset";
import { bodyOf, tempContext } from "../usecases/test-context";
import { Supervisor } from "./supervisor";
import { Worker } from "./worker";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());

async function trialWithClaimedJob(attempts: number, status: "running" | "done") {
  const csv = ["x,label", ...Array.from({ length: 40 }, (_, i) => `${i},${i % 2 ? "a" : "b"}`)].join("\n");
  const dataset = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf(csv) });
  const run = await createRun(ctx, { datasetId: dataset.id, label: "label", maxTrials: 1 }); // the budget is this trial: the coordinator proposes none
  const trialId = randomUUID();
  await ctx.store.createTrial({ id: trialId, runId: run.id, number: 0, family: "mlp", params: {}, spaceVersion: "1" });
  await ctx.queue.enqueue({ id: randomUUID(), runId: run.id, trialId, kind: "trial", payload: {} });
  // a worker that claimed it `attempts` times and then went silent
  for (let i = 0; i < attempts; i++) {
    const job = await ctx.queue.claim("ghost");
    if (i < attempts - 1) await ctx.queue.reapStale(0, 10, "ghost");
    expect(job?.attempts).toBe(i + 1);
  }
  await ctx.store.updateTrial(trialId, { status, ...(status === "done" ? { valScore: 0.75, finishedAt: new Date() } : {}) });
  return trialId;
}

/** one reaping step: a supervisor whose workers are never started, taking back every silent claim */
async function reap() {
  await new Supervisor(ctx, { log: () => {}, staleMs: 0 }).tick();
}

it("retries a trial whose worker went silent, and fails it after the second time", async () => {
  const once = await trialWithClaimedJob(1, "running");
  await reap();
  expect(await ctx.store.getTrial(once)).toMatchObject({ status: "queued", reason: "its worker died; retried" });
  expect((await ctx.queue.claim("w"))?.trialId).toBe(once);
  await ctx.store.updateTrial(once, { status: "running" });
  await reap();
  expect(await ctx.store.getTrial(once)).toMatchObject({ status: "failed", reason: expect.stringMatching(/its worker died 2 times/) });
});

it("keeps the result of a trial whose worker died after finishing it, and does not run it again", async () => {
  for (const attempts of [1, 2]) {
    const trialId = await trialWithClaimedJob(attempts, "done");
    await reap();
    expect(await ctx.store.getTrial(trialId), `attempt ${attempts}`).toMatchObject({ status: "done", valScore: 0.75 });
    // its job, if it went back to the queue, is taken and skipped
    await new Worker(ctx, "w", "cpu").runOne();
    expect(await ctx.store.getTrial(trialId)).toMatchObject({ status: "done", valScore: 0.75 });
    expect(await ctx.queue.pending((await ctx.store.getTrial(trialId))!.runId)).toBe(0);
  }
});
