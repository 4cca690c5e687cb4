import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunEventDto } from "../contracts/run";
import { createRun } from "./create-run";
import { describeError } from "./errors";
import { bodyOf, tempContext } from "./test-context";
import { uploadDataset } from "./upload-dataset";
import { watchRun } from "./watch-run";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());

describe("watch-run", () => {
  it("sends the run first without the trials it had (the leaderboard is read a page at a time), then only changed ones, and ends when the run finishes", async () => {
    const ds = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("a,b\n1,x\n2,y\n3,x\n4,y\n") });
    const run = await createRun(ctx, { datasetId: ds.id, label: "b", maxTrials: 2 });
    await ctx.store.createTrial({ id: "t0", runId: run.id, number: 0, family: "mlp", params: {}, spaceVersion: "1" });
    // older than the stream's overlap window (changes in the last second before it opens are sent again)
    await new Promise((r) => setTimeout(r, 1100));
    const events: RunEventDto[] = [];
    const abort = new AbortController();
    const done = watchRun(ctx, run.id, { intervalMs: 20, signal: abort.signal, send: (e) => void events.push(e) });
    await until(() => events.length >= 1);
    expect(events[0].trials).toEqual([]);
    expect(events[0].run.trialCount).toBe(1);
    expect(events[0].run.datasetName).toBe("d.csv");
    await ctx.store.createTrial({ id: "t1", runId: run.id, number: 1, family: "mlp", params: {}, spaceVersion: "1" });
    await until(() => events.some((e) => e.trials.some((t) => t.id === "t1")));
    const later = events.findLast((e) => e.trials.some((t) => t.id === "t1"))!;
    expect(later.trials.map((t) => t.id)).toEqual(["t1"]);
    await ctx.store.updateTrial("t0", { status: "done", valScore: 0.9 });
    await ctx.store.transitionRun(run.id, ["queued"], { status: "completed", finishedAt: new Date() });
    await done; // returns by itself once the run has finished
    const last = events[events.length - 1];
    expect(last.run.status).toBe("completed");
    expect(events.flatMap((e) => e.trials).some((t) => t.id === "t0" && t.status === "done")).toBe(true);
  });

  it("stops when the client goes away, and 404s for an unknown run", async () => {
    const ds = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("a,b\n1,x\n2,y\n") });
    const run = await createRun(ctx, { datasetId: ds.id, label: "b", maxTrials: 1 });
    const abort = new AbortController();
    const done = watchRun(ctx, run.id, { intervalMs: 10_000, signal: abort.signal, send: () => {} });
    setTimeout(() => abort.abort(), 50);
    await done;
    expect(describeError(await watchRun(ctx, "nope", { signal: abort.signal, send: () => {} }).catch((e: unknown) => e)).status).toBe(404);
  });
});

async function until(check: () => boolean, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
