import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeNotebook, hasNbconvert, HOSTILE_FILE_NAME, HOSTILE_LABEL, hostileCsv, SKIP_REASON } from "../export/notebook/testing/notebook-fixtures";
import { getRun } from "./get-run";
import { getRunReport } from "./get-run-report";
import { statusOf, tempContext, trainRun } from "./test-context";

const CREDIT_G = path.join(process.cwd(), "..", "shared", "datasets", "credit-g.csv");

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());


describe("get-run-report", () => {
  it("answers 404 for an unknown run", async () => {
    expect(await statusOf(getRunReport(ctx, "nope"))).toBe(404);
  });

  it.skipIf(!hasNbconvert)(`a tiny run on credit-g: the report runs headless and finds the leaderboard's best${SKIP_REASON}`, async () => {
    const runId = await trainRun(ctx, await fs.readFile(CREDIT_G), "credit-g.csv", { label: "class", families: ["linear"], maxTrials: 3, seed: 0 });
    const report = await getRunReport(ctx, runId);
    expect(report.fileName).toBe(`run-report-${runId}.ipynb`);
    const { trials } = await getRun(ctx, runId);
    const best = trials[0];
    const { outputs } = await executeNotebook(ctx.dir, report);
    expect(outputs).toContain(`${trials.length} candidates, ${trials.length} with a validation score (auc, higher is better)`);
    expect(outputs).toContain(`best: candidate ${best.number} (${best.family}), validation auc ${best.valScore!.toFixed(4)}, test auc ${best.testScore!.toFixed(4)}`);
    expect(outputs).toContain(`best after ${trials.length} scored candidates: ${best.valScore!.toFixed(4)}`);
    expect(outputs).toContain("Validation auc per family (best first):");
    const md = (JSON.parse(report.notebook) as { cells: { cell_type: string; source: string[] }[] }).cells[1].source.join("");
    expect(md).toContain("| families | linear |");
    expect(md).toContain("| budget | 3 trials |");
    expect(md).toContain("| seed | 0 |");
  }, 90_000);

  it.skipIf(!hasNbconvert)(`a run on a hostile CSV (label, file name, headers, values): the report runs and executes nothing${SKIP_REASON}`, async () => {
    const runId = await trainRun(ctx, hostileCsv(), HOSTILE_FILE_NAME, { label: HOSTILE_LABEL, families: ["linear"], maxTrials: 2, seed: 1 });
    const { work, outputs } = await executeNotebook(ctx.dir, await getRunReport(ctx, runId));
    expect(outputs).toMatch(/\d+ candidates, \d+ with a validation score/);
    expect(outputs).toMatch(/best: candidate \d+/);
    await expect(fs.access(path.join(work, "PWNED"))).rejects.toThrow();
    await expect(fs.access(path.join(process.cwd(), "PWNED"))).rejects.toThrow();
  }, 90_000);
});
