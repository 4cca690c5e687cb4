import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StudioContext } from "../context";
import { Coordinator } from "../jobs/coordinator";
import { Worker } from "../jobs/worker";
import { initBackend } from "../models/backend";
import { compareRuns } from "./compare-runs";
import { createRun } from "./create-run";
import { describeError } from "./errors";
import { uploadDataset } from "./upload-dataset";
import { bodyOf, tempContext, trainRun } from "./test-context";

const CSV = "x,y,label\n" + Array.from({ length: 60 }, (_, i) => `${i},${(i * 7) % 5},${(i * 3) % 7 > 2 ? "yes" : "no"}`).join("\n") + "\n";

/** trains an already created run of an uploaded dataset to the end, as trainRun does */
async function trainCreated(ctx: StudioContext, runId: string) {
  const coordinator = new Coordinator(ctx);
  const worker = new Worker(ctx, "test-1", await initBackend());
  for (let step = 0; step < 400; step++) {
    await coordinator.tick();
    if ((await ctx.store.getRun(runId))?.status === "completed") return;
    await worker.runOne();
  }
  throw new Error("the second run did not finish");
}

const error = (p: Promise<unknown>) => p.then(() => ({ status: 0, message: "no error" }), describeError);

let ctx: Awaited<ReturnType<typeof tempContext>>;
let first: string;
let second: string;
let datasetId: string;
beforeAll(async () => {
  ctx = await tempContext();
  first = await trainRun(ctx, CSV, "seeds.csv", { label: "label", families: ["linear", "gbdt"], maxTrials: 4, seed: 1, strategy: "random" });
  datasetId = (await ctx.store.getRun(first))!.datasetId;
  second = (await createRun(ctx, { datasetId, label: "label", families: ["linear", "gbdt"], maxTrials: 4, seed: 2, strategy: "tpe", constraints: { maxTrainSeconds: 600 } })).id;
  await trainCreated(ctx, second);
});
afterAll(async () => ctx?.dispose());

describe("compare-runs", () => {
  it("lines up two runs of one dataset: settings that differ, best candidates and monotone best-so-far series", async () => {
    const cmp = await compareRuns(ctx, `${first},${second}`);
    expect(cmp.datasetId).toBe(datasetId);
    expect(cmp.datasetName).toBe("seeds.csv");
    expect(cmp.runs.map((r) => r.run.id)).toEqual([first, second]);

    const differing = cmp.settings.filter((s) => s.differs);
    expect(differing.map((s) => s.key)).toEqual(["strategy", "seed", "maxTrainSeconds"]);
    expect(differing.map((s) => s.values)).toEqual([
      ["random", "tpe"],
      ["1", "2"],
      ["no limit", "600"],
    ]);
    expect(cmp.settings.find((s) => s.key === "families")).toEqual({ key: "families", label: "Families", values: ["linear, gbdt", "linear, gbdt"], differs: false });
    expect(cmp.settings.find((s) => s.key === "maxTrials")?.values).toEqual(["4", "4"]);

    for (const { run, best, progress } of cmp.runs) {
      expect(run.status).toBe("completed");
      expect(run.bestValScore).not.toBeNull();
      // AUC: higher is better, so the best so far never falls, and time never runs backwards
      expect(run.direction).toBe("max");
      expect(progress.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < progress.length; i++) {
        expect(progress[i].best).toBeGreaterThanOrEqual(progress[i - 1].best);
        expect(progress[i].seconds).toBeGreaterThanOrEqual(progress[i - 1].seconds);
      }
      expect(progress[0].seconds).toBeGreaterThanOrEqual(0);
      expect(progress[progress.length - 1].best).toBe(run.bestValScore);
      expect(best[0]).toMatchObject({ trialId: run.bestTrialId, valScore: run.bestValScore, testScore: run.bestTestScore });
      expect(best.length).toBeLessThanOrEqual(3);
      for (let i = 1; i < best.length; i++) expect(best[i].valScore).toBeLessThanOrEqual(best[i - 1].valScore);
    }
  });

  it("answers 400 for one run, too many, runs of different datasets, and 404 for a missing run", async () => {
    expect(await error(compareRuns(ctx, first))).toEqual({ status: 400, message: "Choose at least 2 different runs to compare (?runs=id1,id2)." });
    expect(await error(compareRuns(ctx, `${first},${first}`))).toMatchObject({ status: 400, message: expect.stringMatching(/at least 2 different runs/) });
    expect(await error(compareRuns(ctx, null))).toEqual({ status: 400, message: "Say which runs to compare: ?runs=id1,id2 (2 to 10 run ids, comma-separated)." });
    expect(await error(compareRuns(ctx, Array.from({ length: 11 }, (_, i) => `r${i}`).join(",")))).toEqual({ status: 400, message: "Compare at most 10 runs at a time; leave some out." });
    const other = await uploadDataset(ctx, { fileName: "other.csv", body: bodyOf(CSV) });
    const elsewhere = await createRun(ctx, { datasetId: other.id, label: "label", maxTrials: 1 });
    expect(await error(compareRuns(ctx, `${first},${elsewhere.id}`))).toEqual({
      status: 400,
      message: "Only runs of the same dataset can be compared: choose runs from one dataset's page.",
    });
    expect(await error(compareRuns(ctx, `${first},missing`))).toMatchObject({ status: 404 });
  });
});
