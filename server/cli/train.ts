import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { StudioContext } from "../context";
import type { RunRow } from "../db/store";
import { exportCandidate } from "../usecases/export-candidate";
import { Supervisor } from "../jobs/supervisor";
import { bestTrial } from "../jobs/coordinator";
import { createRun } from "../usecases/create-run";
import { uploadDataset } from "../usecases/upload-dataset";
import { constraintOptions, optionalNumber, required, type Options } from "./options";
import { openCliStudio } from "./studio-dir";

/** `train`: ingest the CSV, search until the budget is spent, then write leaderboard.json and best/. */
export async function trainCommand(values: Options): Promise<void> {
  const csv = required(values, "csv");
  const label = required(values, "label");
  const out = path.resolve(required(values, "out"));
  const budgetS = optionalNumber(values, "budget-s");
  const maxTrials = optionalNumber(values, "max-trials");
  await fs.mkdir(out, { recursive: true });
  await fs.rm(path.join(out, ".studio"), { recursive: true, force: true });
  const ctx = await openCliStudio(out, optionalNumber(values, "workers"));
  const supervisor = new Supervisor(ctx, { log: () => {} });
  try {
    const dataset = await uploadDataset(ctx, { fileName: path.basename(csv), body: createReadStream(csv) });
    console.log(`dataset: ${dataset.rowCount} rows, ${dataset.columnCount} columns (${dataset.sha256.slice(0, 12)})`);
    const created = await createRun(ctx, {
      datasetId: dataset.id,
      label,
      metric: values.metric,
      problemType: values["problem-type"],
      budgetMinutes: budgetS === undefined ? undefined : budgetS / 60,
      maxTrials,
      seed: optionalNumber(values, "seed"),
      validation: values.validation,
      finalModel: values["final-model"],
      strategy: values.strategy,
      scheduler: values.scheduler,
      families: values.family?.split(","),
      estimation: values.estimation,
      groupColumn: values["group-column"],
      timeColumn: values["time-column"],
      testFraction: optionalNumber(values, "test-fraction"),
      constraints: constraintOptions(values),
    });
    console.log(`run ${created.id}: ${created.problemType}, metric ${created.metric}, ${ctx.config.workers} workers`);
    supervisor.start();
    const run = await waitForRun(ctx, created.id);
    await supervisor.stop();
    await writeResults(ctx, run, out);
  } finally {
    await supervisor.stop();
    await ctx.close();
  }
}

async function waitForRun(ctx: StudioContext, runId: string): Promise<RunRow> {
  let reported = -1;
  for (;;) {
    const run = await ctx.store.getRun(runId);
    if (!run) throw new Error("the run disappeared");
    const trials = await ctx.store.listTrials(runId);
    const finished = trials.filter((t) => !["queued", "running"].includes(t.status));
    if (finished.length !== reported) {
      reported = finished.length;
      const best = bestTrial(trials, run.metric);
      const goal = run.maxTrials ? `/${run.maxTrials}` : "";
      console.log(`trials finished ${finished.length}${goal}; best validation ${run.metric} ${best?.valScore?.toFixed(5) ?? "-"}`);
    }
    if (["completed", "cancelled", "failed"].includes(run.status)) {
      if (run.status === "failed") throw new Error(`the run failed: ${run.error}`);
      return run;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function writeResults(ctx: StudioContext, run: RunRow, out: string) {
  const trials = await ctx.store.listTrials(run.id);
  const leaderboard = {
    runId: run.id,
    metric: run.metric,
    problemType: run.problemType,
    seed: run.seed,
    bestCandidateId: run.bestTrialId,
    candidates: trials.map((t) => ({
      id: t.id,
      number: t.number,
      family: t.family,
      status: t.status,
      reason: t.reason,
      hyperparameters: t.params,
      validationScore: t.valScore,
      testScore: t.testScore,
      validationMetrics: t.valMetrics,
      testMetrics: t.testMetrics,
      epochs: t.epochs,
      seconds: t.trainSeconds,
      archiveBytes: t.archiveBytes,
      predictMsPer1k: t.predictMsPer1k,
      // why it breaks the run's constraints (null: it meets them); best/ is the best candidate that meets them
      infeasibleReason: t.infeasibleReason,
    })),
  };
  await fs.writeFile(path.join(out, "leaderboard.json"), JSON.stringify(leaderboard, null, 2));
  if (!run.bestTrialId) throw new Error(`${run.error ?? "no candidate finished"}: nothing to write to best/`);
  await exportCandidate(ctx, run.bestTrialId, path.join(out, "best"));
  const best = trials.find((t) => t.id === run.bestTrialId)!;
  console.log(`best: trial #${best.number}, validation ${run.metric} ${best.valScore}, test ${run.metric} ${best.testScore ?? "none (no test split)"}`);
  console.log(`wrote ${path.join(out, "leaderboard.json")} and ${path.join(out, "best")}/`);
}
