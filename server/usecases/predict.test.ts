import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRun } from "./create-run";
import { downloadArchive } from "./download-archive";
import { getTrialCurve } from "./get-trial-curve";
import { predict } from "./predict";
import { systemInfo } from "./system-info";
import { bodyOf, dataFiles, statusOf, tempContext, trainRun } from "./test-context";
import { uploadDataset } from "./upload-dataset";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());


describe("predict, archives, curves and system info before any candidate finished", () => {
  it("answers with clear 4xx errors and leaves no temp files", async () => {
    const ds = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("a,b\n1,x\n2,y\n3,x\n") });
    const run = await createRun(ctx, { datasetId: ds.id, label: "b", maxTrials: 1 });
    await ctx.store.createTrial({ id: "t0", runId: run.id, number: 0, family: "mlp", params: {}, spaceVersion: "1" });
    const before = await dataFiles(ctx.dir);
    expect(await statusOf(predict(ctx, { runId: run.id, body: bodyOf("a\n1\n") }))).toBe(409);
    expect(await statusOf(predict(ctx, { runId: run.id, candidate: "t0", body: bodyOf("a\n1\n") }))).toBe(409);
    expect(await statusOf(predict(ctx, { runId: run.id, candidate: "zz", body: bodyOf("a\n1\n") }))).toBe(404);
    expect(await statusOf(predict(ctx, { runId: "nope", body: bodyOf("a\n1\n") }))).toBe(404);
    expect(await statusOf(downloadArchive(ctx, "t0"))).toBe(404);
    expect(await statusOf(downloadArchive(ctx, "nope"))).toBe(404);
    expect(await dataFiles(ctx.dir)).toEqual(before);

    await ctx.store.addCurvePoints("t0", [{ epoch: 2, trainLoss: 0.5, valLoss: 0.6, trainMetric: null, valMetric: Number.NaN, seconds: 1 }]);
    await ctx.store.addCurvePoints("t0", [{ epoch: 1, trainLoss: 0.7, valLoss: 0.8, trainMetric: 0.5, valMetric: 0.6, seconds: 0.5 }]);
    const curve = await getTrialCurve(ctx, "t0");
    expect(curve.points.map((p) => p.epoch)).toEqual([1, 2]);
    expect(curve.points[1].valMetric).toBeNull();

    const sys = await systemInfo(ctx);
    expect(sys).toMatchObject({ backend: "not started yet", workers: 2 });
    await ctx.store.updateRun(run.id, { backend: "wasm" });
    expect((await systemInfo(ctx)).backend).toBe("wasm");
  });
});

describe("predict with a file that differs from the training data", () => {
  it("still predicts every row, and returns warnings for unseen categories, non-numbers and bad dates", async () => {
    const colors = ["red", "blue", "green"];
    const rows = Array.from({ length: 60 }, (_, i) => {
      const day = `2024-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`;
      return `${colors[i % 3]},${(i * 7) % 50},${day},${i % 3 === 0 ? "a" : "b"}`;
    });
    const runId = await trainRun(ctx, `color,size,day,y\n${rows.join("\n")}\n`, "d.csv", { label: "y", maxTrials: 1, seed: 0 });

    const out = await predict(ctx, {
      runId,
      body: bodyOf("color,size,day\nred,3,2024-05-05\npurple,abc,2024-05-06\nblue,7,not a date\n"),
    });
    const lines = out.csv.trim().split("\n");
    expect(lines[0]).toBe("prediction,proba_a,proba_b");
    expect(lines).toHaveLength(4);
    const kinds = out.warnings.map((w) => `${w.column}:${w.kind}:${w.rows}:${w.examples.join("|")}`).sort();
    expect(kinds).toEqual(["color:unseen_categories:1:purple", "day:not_a_date:1:not a date", "size:not_numeric:1:abc"]);

    const clean = await predict(ctx, { runId, body: bodyOf("color,size,day\nred,3,2024-05-05\n") });
    expect(clean.warnings).toEqual([]);
  }, 60_000);
});
