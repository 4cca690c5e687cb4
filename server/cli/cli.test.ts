import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const SHUTTLE = path.resolve(root, "../shared/datasets/shuttle.csv");

/** Runs the CLI in a fresh process, as a user would. */
const cli = (...args: string[]) => run(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], { cwd: root, maxBuffer: 64 << 20 });

describe("the command line", () => {
  it("trains on shuttle (58,000 rows, 7 classes, four rare) to test accuracy >= 0.999 and log loss <= 0.01, then predicts and exports", async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), "cli-shuttle-"));
    const { stdout } = await cli("train", "--csv", SHUTTLE, "--label", "Class", "--budget-s", "120", "--seed", "0", "--out", out);
    expect(stdout).toMatch(/trials finished/);

    const board = JSON.parse(await fs.readFile(path.join(out, "leaderboard.json"), "utf8"));
    expect(board.metric).toBe("logloss");
    const best = board.candidates.find((c: { id: string }) => c.id === board.bestCandidateId);
    expect(best.testMetrics.accuracy).toBeGreaterThanOrEqual(0.999);
    expect(best.testMetrics.logloss).toBeLessThanOrEqual(0.01);
    for (const c of board.candidates) expect(Object.keys(c)).toEqual(expect.arrayContaining(["family", "hyperparameters", "validationScore", "testScore", "seconds"]));

    const manifest = JSON.parse(await fs.readFile(path.join(out, "best", "manifest.json"), "utf8"));
    expect(manifest.classes).toHaveLength(7);
    expect(manifest.test.metrics.accuracy).toBe(best.testMetrics.accuracy);

    // predict the held-out test rows (without the label) in a fresh process and score them here
    const lines = (await fs.readFile(SHUTTLE, "utf8")).trim().split("\n");
    const unquote = (cell: string) => cell.replace(/^"(.*)"$/, "$1");
    const header = lines[0].split(",").map(unquote);
    const labelAt = header.indexOf("Class");
    expect(labelAt).toBe(9);
    const split = JSON.parse(await fs.readFile(path.join(out, "best", "split.json"), "utf8"));
    const testRows: number[] = split.test;
    const features = (l: string) => l.split(",").filter((_, i) => i !== labelAt).join(",");
    const newCsv = path.join(out, "new.csv");
    await fs.writeFile(newCsv, [features(lines[0]), ...testRows.map((r) => features(lines[r + 1]))].join("\n"));
    await cli("predict", "--model", path.join(out, "best"), "--csv", newCsv, "--out", path.join(out, "preds.csv"));
    const preds = (await fs.readFile(path.join(out, "preds.csv"), "utf8")).trim().split("\n");
    expect(preds[0]).toBe(["prediction", ...manifest.classes.map((c: string) => `proba_${c}`)].join(","));
    expect(preds).toHaveLength(testRows.length + 1);
    const correct = testRows.filter((r, i) => preds[i + 1].split(",")[0] === unquote(lines[r + 1].split(",")[labelAt])).length;
    expect(correct / testRows.length).toBeCloseTo(best.testMetrics.accuracy, 10);

    await cli("export", "--run", out, "--candidate", "0", "--out", path.join(out, "first"));
    const first = JSON.parse(await fs.readFile(path.join(out, "first", "manifest.json"), "utf8"));
    expect(first.trialNumber).toBe(0);
  }, 480_000);

  it("says what is wrong with a bad command", async () => {
    await expect(cli("train", "--csv", SHUTTLE, "--out", "/tmp/unused")).rejects.toMatchObject({ stderr: expect.stringContaining("--label is required") });
    await expect(cli("predict", "--model", "/nonexistent", "--csv", SHUTTLE, "--out", "/tmp/x.csv")).rejects.toMatchObject({ stderr: expect.stringContaining("is not a candidate archive") });
  });
});
