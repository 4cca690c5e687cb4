import { execFile } from "node:child_process";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { Coordinator } from "../jobs/coordinator";
import { Worker } from "../jobs/worker";
import { initBackend } from "../models/backend";
import { predictFromArchive } from "../export/predict";
import { archiveFiles } from "../export/archive-files";
import { executeNotebook, hasNbconvert } from "../export/notebook/testing/execute-notebook";
import type { CreateRunInput } from "../contracts/run";
import { createRun } from "./create-run";
import { exportCandidate } from "./export-candidate";
import { tempContext } from "./test-context";
import { uploadDataset } from "./upload-dataset";

const CREDIT_G = path.join(process.cwd(), "..", "shared", "datasets", "credit-g.csv");

type Ctx = Awaited<ReturnType<typeof tempContext>>;

/** uploads a CSV and runs a whole search (trials, then the ensembles) with one worker */
async function trainRun(ctx: Ctx, csvPath: string, run: Omit<z.input<typeof CreateRunInput>, "datasetId">): Promise<string> {
  const ds = await uploadDataset(ctx, { fileName: path.basename(csvPath), body: createReadStream(csvPath) });
  const created = await createRun(ctx, { ...run, datasetId: ds.id });
  const coordinator = new Coordinator(ctx);
  const worker = new Worker(ctx, "test-0", await initBackend());
  for (let step = 0; step < 400; step++) {
    await coordinator.tick();
    const r = await ctx.store.getRun(created.id);
    if (r && ["completed", "cancelled", "failed"].includes(r.status)) break;
    await worker.runOne();
  }
  expect((await ctx.store.getRun(created.id))?.status).toBe("completed");
  return created.id;
}

/** exports a candidate next to a copy of its CSV, as a user unzips it, and executes its notebook */
async function exportAndExecute(ctx: Ctx, trialId: string, csvPath: string, csvName: string): Promise<{ dir: string; output: string }> {
  const dir = path.join(ctx.dir, "exports", trialId);
  await exportCandidate(ctx, trialId, dir);
  await fs.copyFile(csvPath, path.join(dir, csvName));
  return { dir, output: hasNbconvert ? await executeNotebook(path.join(dir, archiveFiles.notebook)) : "" };
}

/**
 * the same labels and probabilities within float32 rounding: the script's plain loops sum a network's products in
 * another order than TensorFlow.js's kernels (trees and linear models agree to the bit)
 */
function expectSamePredictions(script: string, studio: string): void {
  const rows = (csv: string) => csv.trim().split("\n").map((line) => line.split(","));
  const [a, b] = [rows(script), rows(studio)];
  expect(a.length).toBe(b.length);
  expect(a[0]).toEqual(b[0]);
  let largest = 0;
  a.slice(1).forEach((row, i) => {
    expect(row[0]).toBe(b[i + 1][0]);
    row.slice(1).forEach((v, j) => (largest = Math.max(largest, Math.abs(Number(v) - Number(b[i + 1][j + 1])))));
  });
  expect(largest).toBeLessThan(1e-6);
}

describe.skipIf(!hasNbconvert)("reproducibility notebooks on credit-g: an MLP, a GBDT and an ensemble", () => {
  let ctx: Ctx;
  let runId: string;
  beforeAll(async () => {
    ctx = await tempContext();
    runId = await trainRun(ctx, CREDIT_G, { label: "class", families: ["mlp", "gbdt", "linear"], maxTrials: 3, seed: 4 });
  }, 600_000);
  afterAll(async () => ctx?.dispose());

  const trialOf = async (family: string) => {
    const trials = await ctx.store.listTrials(runId);
    const t = trials.find((x) => x.family === family && x.status === "done");
    if (!t) throw new Error(`no finished ${family} candidate: ${trials.map((x) => `${x.family}:${x.status}`).join(", ")}`);
    return t;
  };

  for (const family of ["mlp", "gbdt", "ensemble"]) {
    it(`the ${family} candidate's notebook runs, replays within 1e-4 and retrains within tolerance`, async () => {
      const trial = await trialOf(family);
      const { dir, output } = await exportAndExecute(ctx, trial.id, CREDIT_G, "credit-g.csv");
      expect(output).toMatch(/dataset checked: [0-9a-f]{64}/);
      const largest = Number(/largest difference from the studio: ([0-9.e+-]+)/.exec(output)?.[1]);
      expect(largest).toBeLessThan(1e-4);
      const [, studio, retrained] = /auc: studio ([0-9.]+), retrained here ([0-9.]+)/.exec(output) ?? [];
      expect(Math.abs(Number(studio) - Number(retrained))).toBeLessThanOrEqual(0.02);
      expect(Number(studio)).toBeCloseTo(trial.testScore!, 4);
      console.log(`${family} notebook: replay ${largest.toExponential(2)}, test AUC studio ${studio}, retrained ${retrained}`);

      // the standalone script predicts exactly what the studio predicts, with Node alone
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, archiveFiles.predictScript), CREDIT_G], { maxBuffer: 64 * 1024 * 1024 });
      expectSamePredictions(stdout, (await predictFromArchive(dir, CREDIT_G)).csv);
    }, 600_000);
  }
});

/** a CSV whose headers and values try every way out of a string literal, a markdown cell or a comment */
function hostileCsv(): string {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const header = ['"); import os; os.system("touch PWNED"); ("', "class", "naïve {col} #1 \\", "def", 'label """\'', "\u05e9\u05dc\u05d5\u05dd 😀"];
  const kinds = ['a"""b', "c\\d", "e\nf", "#x {y}", "ñ😀", "None"];
  const rows: string[] = [header.map(quote).join(",")];
  for (let i = 0; i < 240; i++) {
    const x = ((i * 37) % 101) / 10;
    const kind = kinds[i % kinds.length];
    const flag = i % 3 === 0 ? "yes" : "no";
    const noise = ((i * 53) % 17) - 8;
    const positive = x + (kind === "c\\d" ? 3 : 0) + (flag === "yes" ? 2 : 0) + noise * 0.3 > 6;
    rows.push([String(x), kind, flag, i % 7 === 0 ? "" : String(noise), positive ? 'yes """' : "no\\", `  ${(i * 11) % 5}  `].map(quote).join(","));
  }
  return `${rows.join("\r\n")}\r\n`;
}

describe.skipIf(!hasNbconvert)("data is never code: notebooks for a CSV with hostile headers and values", () => {
  it("run, replay and retrain, and nothing in the data executes", async () => {
    const ctx = await tempContext();
    try {
      const csv = path.join(ctx.dir, "hostile.csv");
      await fs.writeFile(csv, hostileCsv());
      const runId = await trainRun(ctx, csv, { label: 'label """\'', families: ["gbdt", "linear"], maxTrials: 2, seed: 3 });
      const trials = await ctx.store.listTrials(runId);
      for (const trial of trials.filter((t) => t.status === "done" && (t.family === "linear" || t.family === "ensemble"))) {
        const { dir, output } = await exportAndExecute(ctx, trial.id, csv, "hostile.csv");
        expect(output).toMatch(/largest difference from the studio: /);
        await expect(fs.access(path.join(dir, "PWNED"))).rejects.toThrow();
      }
      await expect(fs.access(path.join(process.cwd(), "PWNED"))).rejects.toThrow();
    } finally {
      await ctx.dispose();
    }
  }, 600_000);
});
