import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { predictFromArchive } from "../export/predict";
import { archiveFiles } from "../export/archive-files";
import { hasNbconvert, HOSTILE_FILE_NAME, HOSTILE_LABEL, hostileCsv, runNotebook, SKIP_REASON } from "../export/notebook/testing/notebook-fixtures";
import { exportCandidate } from "./export-candidate";
import { tempContext, trainRun } from "./test-context";

const CREDIT_G = path.join(process.cwd(), "..", "shared", "datasets", "credit-g.csv");

type Ctx = Awaited<ReturnType<typeof tempContext>>;

/** exports a candidate and puts its CSV beside it, as a user unzips the download, then executes its notebook */
async function exportAndExecute(ctx: Ctx, trialId: string, csv: Buffer | string, csvName: string): Promise<{ dir: string; output: string }> {
  const dir = path.join(ctx.dir, "exports", trialId);
  await exportCandidate(ctx, trialId, dir);
  await fs.writeFile(path.join(dir, csvName), csv);
  return { dir, output: (await runNotebook(dir, archiveFiles.notebook, 600)).outputs };
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

describe.skipIf(!hasNbconvert)(`reproducibility notebooks on credit-g: every family and an ensemble${SKIP_REASON}`, () => {
  let ctx: Ctx;
  let runId: string;
  let csv: Buffer;
  beforeAll(async () => {
    ctx = await tempContext();
    csv = await fs.readFile(CREDIT_G);
    runId = await trainRun(ctx, csv, "credit-g.csv", { label: "class", families: ["mlp", "gbdt", "linear", "forest", "nas"], maxTrials: 5, seed: 4 });
  }, 600_000);
  afterAll(async () => ctx?.dispose());

  for (const family of ["mlp", "gbdt", "linear", "forest", "nas", "ensemble"]) {
    it(`the ${family} candidate's notebook runs, replays within 1e-4 and retrains within tolerance`, async () => {
      const trials = await ctx.store.listTrials(runId);
      const trial = trials.find((x) => x.family === family && x.status === "done");
      if (!trial) throw new Error(`no finished ${family} candidate: ${trials.map((x) => `${x.family}:${x.status}`).join(", ")}`);
      const { dir, output } = await exportAndExecute(ctx, trial.id, csv, "credit-g.csv");
      expect(output).toMatch(/dataset checked: [0-9a-f]{64}/);
      const largest = Number(/largest difference from the studio: ([0-9.e+-]+)/.exec(output)?.[1]);
      expect(largest).toBeLessThan(1e-4);
      const [, studio, retrained] = /auc: studio ([0-9.]+), retrained here ([0-9.]+)/.exec(output) ?? [];
      expect(Math.abs(Number(studio) - Number(retrained))).toBeLessThanOrEqual(0.02);
      expect(Number(studio)).toBeCloseTo(trial.testScore!, 4);
      console.log(`${family} notebook: replay ${largest.toExponential(2)}, test AUC studio ${studio}, retrained ${retrained}`);

      // the standalone script predicts what the studio predicts, with Node alone
      const { stdout } = await promisify(execFile)(process.execPath, [path.join(dir, archiveFiles.predictScript), CREDIT_G], { maxBuffer: 64 * 1024 * 1024 });
      expectSamePredictions(stdout, (await predictFromArchive(dir, CREDIT_G)).csv);
    }, 600_000);
  }
});

describe.skipIf(!hasNbconvert)(`data is never code: candidate notebooks for a CSV with hostile headers, values and file name${SKIP_REASON}`, () => {
  it("run, replay and retrain, and nothing in the data executes", async () => {
    const ctx = await tempContext();
    try {
      const csv = hostileCsv(240);
      const runId = await trainRun(ctx, csv, HOSTILE_FILE_NAME, { label: HOSTILE_LABEL, families: ["gbdt", "linear"], maxTrials: 2, seed: 3 });
      const done = (await ctx.store.listTrials(runId)).filter((t) => t.status === "done");
      expect(done.map((t) => t.family).sort()).toEqual(["ensemble", "ensemble", "gbdt", "linear"]);
      for (const trial of done) {
        const { dir, output } = await exportAndExecute(ctx, trial.id, csv, HOSTILE_FILE_NAME);
        expect(output).toMatch(/largest difference from the studio: /);
        await expect(fs.access(path.join(dir, "PWNED"))).rejects.toThrow();
      }
      await expect(fs.access(path.join(process.cwd(), "PWNED"))).rejects.toThrow();
    } finally {
      await ctx.dispose();
    }
  }, 600_000);
});
