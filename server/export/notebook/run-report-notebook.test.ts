import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunDto, TrialDto } from "../../contracts/run";
import { runReportCells, runReportNotebook, type RunReportInput } from "./run-report-notebook";
import { hasNbconvert, HOSTILE_FILE_NAME, HOSTILE_LABEL, HOSTILE_VALUES, INJECTION, SKIP_REASON, runNotebook } from "./testing/notebook-fixtures";

const T0 = Date.parse("2026-01-01T00:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function run(over: Partial<RunDto> = {}): RunDto {
  return {
    id: "r1",
    datasetId: "d1",
    datasetName: HOSTILE_FILE_NAME,
    label: HOSTILE_LABEL,
    problemType: "binary",
    metric: "auc",
    direction: "max",
    strategy: "tpe",
    scheduler: "none",
    families: ["linear", "gbdt"],
    estimation: "full",
    testFraction: 0.2,
    seed: 7,
    maxTrials: 8,
    budgetSeconds: 600,
    status: "completed",
    error: null,
    backend: "wasm",
    bestTrialId: "t3",
    bestValScore: 0.9,
    bestTestScore: 0.85,
    trialCount: 8,
    createdAt: at(-1),
    startedAt: at(0),
    finishedAt: at(100),
    elapsedSeconds: 100,
    estimatedSecondsLeft: null,
    columnTypes: { [INJECTION]: "categorical" },
    validation: "auto",
    finalModel: "bag",
    groupColumn: null,
    timeColumn: null,
    validationPlan: { kind: "cv", folds: 5, reason: "5-fold: small data" },
    overfitWarning: null,
    fidelityCheck: null,
    constraints: { maxArchiveBytes: null, maxPredictMsPer1k: null, maxTrainSeconds: null },
    ...over,
  };
}

function trial(number: number, over: Partial<TrialDto> = {}): TrialDto {
  return {
    id: `t${number}`,
    runId: "r1",
    number,
    family: "linear",
    params: {},
    status: "done",
    reason: null,
    valScore: null,
    testScore: null,
    valMetrics: null,
    testMetrics: null,
    valScoreSe: 0.01,
    testScoreSe: 0.02,
    epochs: 10,
    bestEpoch: 8,
    paramCount: 100,
    archiveBytes: 1000,
    durationSeconds: 2.5,
    predictMsPer1k: 1,
    startedAt: at(number * 10),
    finishedAt: at(number * 10 + 5),
    updatedAt: at(number * 10 + 5),
    bracket: null,
    rung: null,
    rungScores: null,
    lowFidelityScore: null,
    parentNumber: null,
    infeasibleReason: null,
    ...over,
  };
}

/** a leaderboard (best first) whose family names, hyperparameter names and values and reasons are hostile */
function hostileInput(): RunReportInput {
  const odd = HOSTILE_VALUES;
  const trials = [
    trial(3, { family: "gbdt", valScore: 0.9, testScore: 0.85, params: { family: "gbdt", "gbdt.learning_rate": 0.1, [INJECTION]: odd[0], encoding: "onehot" } }),
    trial(5, { family: 'ens"""emble\\', valScore: 0.88, testScore: 0.86, params: { method: odd[1] } }),
    trial(1, { family: "linear", valScore: 0.8, testScore: 0.79, params: { family: "linear", "linear.alpha": 0.01, [INJECTION]: odd[2], encoding: "target", flag: true } }),
    trial(0, { family: "gbdt", valScore: 0.75, testScore: null, testScoreSe: null, params: { family: "gbdt", "gbdt.learning_rate": 0.3, [INJECTION]: odd[3], encoding: "target" } }),
    trial(2, { family: "linear", valScore: 0.7, testScore: 0.72, params: { family: "linear", "linear.alpha": 1, [INJECTION]: odd[4], encoding: "onehot", flag: false } }),
    trial(4, { family: "gbdt", valScore: 0.6, testScore: 0.61, params: { family: "gbdt", "gbdt.learning_rate": 0.9, [INJECTION]: odd[5], encoding: "onehot" } }),
    trial(6, { family: "gbdt", status: "failed", reason: `out of memory ${INJECTION}\n'''`, valScore: null, testScore: null, durationSeconds: null, params: { family: "gbdt" } }),
    trial(7, { family: "linear", status: "running", valScore: null, testScore: null, finishedAt: null, params: { family: "linear" } }),
  ];
  return { run: run(), trials, dataset: { name: HOSTILE_FILE_NAME, sha256: "a".repeat(64), rowCount: 60, columnCount: 14 } };
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "run-report-"));
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

describe("run report notebook: structure and escaping", () => {
  it("has the settings and the leaderboard in markdown and every candidate as escaped data", () => {
    const input = hostileInput();
    const cells = runReportCells(input);
    const md = cells.filter((c) => c.type === "markdown").map((c) => c.source).join("\n");
    const codeText = cells.filter((c) => c.type === "code").map((c) => c.source).join("\n");
    for (const setting of ["strategy", "scheduler", "families", "validation", "final model", "budget", "seed", "test split"]) expect(md).toContain(`| ${setting}`);
    expect(md).toContain("cv with 5 folds");
    expect(md).toContain("8 trials or 10 minutes, whichever comes first");
    expect(md).toContain("| 1 | 3 | gbdt | done | 0.9000 ± 0.0100 | 0.8500 ± 0.0200 |");
    expect(md).toContain("gbdt\\.learning\\_rate=0.1");
    expect(md).not.toContain(INJECTION);
    for (const raw of [INJECTION, HOSTILE_FILE_NAME, HOSTILE_LABEL, 'ens"""emble\\']) expect(codeText).not.toContain(raw);
    expect(codeText).toMatch(/^TRIALS = \[$/m);
    expect(runReportNotebook(input)).toBe(runReportNotebook(input));
  });
});

describe.skipIf(!hasNbconvert)(`run report notebook executed headless with jupyter-nbconvert${SKIP_REASON}`, () => {
  it("hostile names and values: runs, recomputes the best and the history, executes nothing", async () => {
    const work = path.join(dir, "hostile");
    await fs.mkdir(work);
    await fs.writeFile(path.join(work, "report.ipynb"), runReportNotebook(hostileInput()));
    const { outputs } = await runNotebook(work, "report.ipynb");
    expect(outputs).toContain("8 candidates, 6 with a validation score (auc, higher is better)");
    expect(outputs).toContain("best: candidate 3 (gbdt), validation auc 0.9000, test auc 0.8500");
    // improvements by trial number: 0 (0.75), 1 (0.8), 3 (0.9)
    expect(outputs).toMatch(/Each time the best validation score improved[^\n]*\n[^\n]*\n\s+0\s+gbdt\s+0\.75\s+5\.0+\n\s+1\s+linear\s+0\.8\d*\s+15\.0+\n\s+3\s+gbdt\s+0\.9\d*\s+35\.0+\n/);
    expect(outputs).toContain("reached 0.9000 after 35.0 s of the run");
    expect(outputs).toMatch(/gbdt\.learning_rate\s+rank correlation\s+1\.0/);
    expect(outputs).toContain("Validation auc per family (best first):");
    await expect(fs.access(path.join(work, "PWNED"))).rejects.toThrow();
    await expect(fs.access(path.join(process.cwd(), "PWNED"))).rejects.toThrow();
  });

  it("a run with no candidates yet, and a regression run whose best is the lowest error, both run", async () => {
    const work = path.join(dir, "edge");
    await fs.mkdir(work);
    await fs.writeFile(path.join(work, "empty.ipynb"), runReportNotebook({ run: run({ status: "queued", startedAt: null, finishedAt: null, validationPlan: null }), trials: [], dataset: null }));
    const empty = await runNotebook(work, "empty.ipynb");
    expect(empty.outputs).toContain("0 candidates, 0 with a validation score");
    expect(empty.outputs).toContain("No candidate has a validation score yet.");

    const trials = [trial(1, { valScore: 1.5, testScore: 1.6 }), trial(0, { valScore: 2.5, testScore: 2.4 }), trial(2, { valScore: 3, testScore: null, testScoreSe: null })];
    const regression = run({ problemType: "regression", metric: "rmse", direction: "min", testFraction: 0, maxTrials: null });
    await fs.writeFile(path.join(work, "rmse.ipynb"), runReportNotebook({ run: regression, trials, dataset: null }));
    const rmse = await runNotebook(work, "rmse.ipynb");
    expect(rmse.outputs).toContain("(rmse, lower is better)");
    expect(rmse.outputs).toContain("best: candidate 1 (linear), validation rmse 1.5000, test rmse 1.6000");
    expect(rmse.outputs).toContain("best after 3 scored candidates: 1.5000");
  });
});
