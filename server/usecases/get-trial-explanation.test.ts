import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CandidateExplanation, TrialExplanationDto } from "../contracts/explanation";
import { keys } from "../storage/keys";
import { describeError } from "./errors";
import { getTrialExplanation } from "./get-trial-explanation";
import { bodyOf, tempContext } from "./test-context";
import { uploadDataset } from "./upload-dataset";

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());

const explanation: CandidateExplanation = {
  version: 1,
  task: "binary",
  metric: "auc",
  greaterIsBetter: true,
  validationRows: 4,
  importance: { baseline: 0.75, rowsUsed: 4, repeats: 5, features: [{ name: "a", mean: 0.2, std: 0.05 }], note: null },
  confusion: { labels: ["x", "y"], counts: [[1, 1], [0, 2]] },
  roc: { points: [{ fpr: 0, tpr: 0, threshold: null }, { fpr: 1, tpr: 1, threshold: 0.1 }], auc: 0.75 },
  pr: { points: [{ recall: 0, precision: 1, threshold: null }, { recall: 1, precision: 0.5, threshold: 0.1 }], averagePrecision: 0.83 },
  positiveClass: "y",
  residuals: null,
};

const error = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => describeError(e));

describe("get-trial-explanation", () => {
  it("answers 404 until the explanation is stored, then the stored explanation", async () => {
    const ds = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("a,b\n1,x\n2,y\n3,x\n") });
    const run = await ctx.store.createRun({ id: "r1", datasetId: ds.id, label: "b", problemType: "binary", metric: "auc", strategy: "random", scheduler: "none", seed: 0, maxTrials: null, budgetSeconds: null, spaceVersion: "1" });
    await ctx.store.createTrial({ id: "t1", runId: run.id, number: 0, family: "linear", params: {}, spaceVersion: "1" });

    expect(await error(getTrialExplanation(ctx, "t1"))).toEqual({
      status: 404,
      message: "This candidate has no explanation yet: explanations are computed when a candidate finishes.",
    });
    expect(await error(getTrialExplanation(ctx, "nope"))).toEqual({ status: 404, message: "The candidate was not found; it may have been deleted." });

    await ctx.blobs.put(keys.trialExplanation("r1", "t1"), JSON.stringify(explanation));
    const dto = await getTrialExplanation(ctx, "t1");
    expect(TrialExplanationDto.parse(dto)).toEqual({ trialId: "t1", ...explanation });
  });
});
