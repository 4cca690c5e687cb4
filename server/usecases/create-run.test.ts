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
    expect(run).toMatchObject({ status: "queued", problemType: "binary", seed: 0, maxTrials: 3, budgetSeconds: null, strategy: "tpe", scheduler: "none" });
    const reg = await createRun(ctx, { datasetId, label: "price", budgetMinutes: 1.5, metric: "mae", seed: 7 });
    expect(reg).toMatchObject({ problemType: "regression", metric: "mae", direction: "min", budgetSeconds: 90, seed: 7 });
    expect((await listRuns(ctx, { datasetId })).runs).toHaveLength(2);
  });

  it("searches four families unless told, keeping those that can run the chosen scheduler or estimation", async () => {
    expect((await createRun(ctx, { datasetId, label: "label", maxTrials: 3 })).families).toEqual(["mlp", "gbdt", "linear", "forest"]);
    const scheduled = (await createRun(ctx, { datasetId, label: "label", maxTrials: 3, scheduler: "hyperband" })).families;
    expect(scheduled).toContain("mlp");
    expect(scheduled).not.toContain("linear");
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 3, estimation: "inherit" }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^None of the default model families \(mlp, gbdt, linear, forest\) can run this: Weight inheritance is not available .* Choose the model families yourself\.$/),
    });
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

  it("records the serving constraints it is given (null where none), and explains a bad one", async () => {
    const none = await createRun(ctx, { datasetId, label: "label", maxTrials: 2 });
    expect(none.constraints).toEqual({ maxArchiveBytes: null, maxPredictMsPer1k: null, maxTrainSeconds: null });
    const limited = await createRun(ctx, { datasetId, label: "label", maxTrials: 2, constraints: { maxArchiveBytes: 1.5 * 1024 * 1024, maxTrainSeconds: 30 } });
    expect(limited.constraints).toEqual({ maxArchiveBytes: 1.5 * 1024 * 1024, maxPredictMsPer1k: null, maxTrainSeconds: 30 });
    expect((await getRun(ctx, limited.id)).run.constraints).toEqual(limited.constraints);
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 2, constraints: { maxPredictMsPer1k: 0 } }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/latency limit must be more than 0 ms/),
    });
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 2, constraints: { maxSize: 1 } as never }))).toMatchObject({ status: 400 });
  });

  it("takes lower fidelity and weight inheritance only without a scheduler, and inheritance only for searched networks", async () => {
    expect(await createRun(ctx, { datasetId, label: "label", maxTrials: 2, families: ["mlp"], estimation: "low" })).toMatchObject({ estimation: "low", fidelityCheck: { pairs: 0, spearman: null, warning: null } });
    expect(await createRun(ctx, { datasetId, label: "label", maxTrials: 2, families: ["nas"], estimation: "inherit" })).toMatchObject({ estimation: "inherit", fidelityCheck: null });
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 2, families: ["nas"], estimation: "low", scheduler: "hyperband" }))).toEqual({
      status: 400,
      message: 'Lower-fidelity estimation decides how far each trial trains, as the hyperband scheduler does: choose one of the two (scheduler "none", or full training with hyperband).',
    });
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 2, families: ["mlp"], estimation: "inherit" }))).toEqual({
      status: 400,
      message: "Weight inheritance is not available for the mlp family; leave mlp out, or choose full training or learning-curve estimation.",
    });
    // linear models can't pause between a scheduler's rungs
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 2, families: ["linear"], scheduler: "asha" }))).toEqual({
      status: 400,
      message: 'The linear family cannot pause training between rungs, which the asha scheduler needs; leave linear out, or choose scheduler "none".',
    });
    expect(await createRun(ctx, { datasetId, label: "label", maxTrials: 2, families: ["gbdt"], estimation: "curve" })).toMatchObject({ families: ["gbdt"], estimation: "curve" });
  });

  it("records the validation the user asked for, and checks the group and time columns", async () => {
    const run = await createRun(ctx, { datasetId, label: "label", maxTrials: 1, validation: "cv", groupColumn: "y" });
    expect(run).toMatchObject({ validation: "cv", groupColumn: "y", timeColumn: null, validationPlan: null });
    expect(await createRun(ctx, { datasetId, label: "label", maxTrials: 1, timeColumn: "x" })).toMatchObject({ validation: "auto", timeColumn: "x" });
    expect(await createRun(ctx, { datasetId, label: "label", maxTrials: 1, strategy: "tpe" })).toMatchObject({ strategy: "tpe" });
    expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 1, strategy: "bayes" as "tpe" }))).toMatchObject({ status: 400 });
    const cases: [object, RegExp][] = [
      [{ groupColumn: "nope" }, /no column named "nope" .* group column/],
      [{ timeColumn: "label" }, /label label can't also be the time column/],
      [{ timeColumn: "const" }, /time column const is categorical; choose a column of dates or numbers/],
      [{ timeColumn: "x", groupColumn: "y" }, /group column or a time column, not both/],
      [{ timeColumn: "x", validation: "cv" }, /time-ordered split can't be cross-validated/],
    ];
    for (const [extra, message] of cases) {
      expect(await error(createRun(ctx, { datasetId, label: "label", maxTrials: 1, ...extra }))).toMatchObject({ status: 400, message: expect.stringMatching(message) });
    }
  });
});

describe("create-run with column type overrides", () => {
  const TYPED =
    "id,city,when,amount,rating,label\n" +
    Array.from({ length: 30 }, (_, i) => `${i + 1},${["Oslo", "Bergen", "Tromsø"][i % 3]},2026-01-${String((i % 28) + 1).padStart(2, "0")},${(i * 3.7).toFixed(1)},${["1", "2", "3", "x"][i % 4]},${i % 2 ? "yes" : "no"}`).join("\n") +
    "\n";
  let typedId: string;
  beforeEach(async () => {
    typedId = (await uploadDataset(ctx, { fileName: "typed.csv", body: bodyOf(TYPED) })).id;
  });
  const run = (columnTypes: Record<string, string>) => createRun(ctx, { datasetId: typedId, label: "label", maxTrials: 1, columnTypes });

  it("stores only the types that change, and returns them", async () => {
    const types = Object.fromEntries((await ctx.store.getDataset(typedId))!.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({ id: "identifier", city: "categorical", when: "datetime", amount: "numeric", label: "boolean" });
    const created = await run({ id: "categorical", amount: "categorical", city: "categorical", when: "text", label: "categorical" });
    const expected = { id: "categorical", amount: "categorical", when: "text", label: "categorical" };
    expect(created.columnTypes).toEqual(expected);
    expect(created.problemType).toBe("binary");
    expect((await getRun(ctx, created.id)).run.columnTypes).toEqual(expected);
    expect((await ctx.store.getRun(created.id))!.columnTypes).toEqual(expected);
    // no change at all: null
    expect((await run({ city: "categorical" })).columnTypes).toBeNull();
    expect((await createRun(ctx, { datasetId: typedId, label: "label", maxTrials: 1 })).columnTypes).toBeNull();
    // an identifier of numbers can be made numeric; an override equal to the inferred type is dropped
    expect((await run({ id: "numeric", label: "boolean" })).columnTypes).toEqual({ id: "numeric" });
  });

  it("rejects overrides the data can't support, naming the column", async () => {
    expect(await error(run({ nope: "numeric" }))).toMatchObject({ status: 400, message: expect.stringMatching(/no column named "nope"/) });
    expect(await error(run({ label: "identifier" }))).toMatchObject({ status: 400, message: "The label label can't be identifier; a label can only be made numeric, categorical or boolean." });
    expect(await error(run({ label: "text" }))).toMatchObject({ status: 400, message: expect.stringMatching(/label label can't be text/) });
    expect(await error(run({ rating: "numeric" }))).toMatchObject({ status: 400, message: "rating has non-numeric values (e.g. 'x'); it can't be numeric." });
    expect(await error(run({ city: "numeric" }))).toMatchObject({ status: 400, message: "city has non-numeric values (e.g. 'Oslo'); it can't be numeric." });
    expect(await error(run({ amount: "datetime" }))).toMatchObject({ status: 400, message: "amount holds numbers, not dates; it can't be datetime." });
    expect(await error(run({ city: "datetime" }))).toMatchObject({ status: 400, message: "city has values that are not dates (e.g. 'Oslo'); it can't be datetime." });
    expect(await error(run({ city: "weird" }))).toMatchObject({ status: 400 });
    expect((await listRuns(ctx, { datasetId: typedId })).runs).toHaveLength(0);
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
