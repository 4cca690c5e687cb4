import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { constraintOptions } from "./options";

const run = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const cli = (...args: string[]) => run(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], { cwd: root, maxBuffer: 64 << 20 });

/** a linear model's archive takes about 5 KB on this data, a forest's 20 to 300 KB (measured) */
const CSV = "x,y,colour,label\n" + Array.from({ length: 200 }, (_, i) => `${i % 17},${(i * 7) % 11},${["red", "green", "blue"][i % 3]},${(i * 5) % 9 > 3 ? "yes" : "no"}`).join("\n") + "\n";

describe("the command line's serving constraints", () => {
  it("reads the three flags (megabytes as bytes), and none as no constraints", () => {
    expect(constraintOptions({ "max-archive-mb": "1.5", "max-latency-ms": "20", "max-train-seconds": "60" })).toEqual({ maxArchiveBytes: 1.5 * 1024 * 1024, maxPredictMsPer1k: 20, maxTrainSeconds: 60 });
    expect(constraintOptions({ "max-latency-ms": "20" })).toMatchObject({ maxPredictMsPer1k: 20 });
    expect(constraintOptions({})).toBeUndefined();
    expect(() => constraintOptions({ "max-archive-mb": "big" })).toThrow('--max-archive-mb must be a number, got "big"');
  });

  it("trains under a size limit: the forests are marked infeasible in leaderboard.json and best/ is a feasible model", async () => {
    const out = await fs.mkdtemp(path.join(os.tmpdir(), "cli-constraints-"));
    const csv = path.join(out, "small.csv");
    await fs.writeFile(csv, CSV);
    await cli("train", "--csv", csv, "--label", "label", "--max-trials", "3", "--seed", "1", "--family", "linear,forest", "--validation", "holdout", "--max-archive-mb", "0.01", "--out", out);
    const board = JSON.parse(await fs.readFile(path.join(out, "leaderboard.json"), "utf8"));
    const forest = board.candidates.find((c: { number: number }) => c.number === 1);
    expect(forest.family).toBe("forest");
    expect(forest.infeasibleReason).toMatch(/^archive [\d.]+ MB is over the 0.01 MB limit$/);
    const best = board.candidates.find((c: { id: string }) => c.id === board.bestCandidateId);
    expect(best.infeasibleReason).toBeNull();
    expect(best.archiveBytes).toBeLessThanOrEqual(0.01 * 1024 * 1024);
    const manifest = JSON.parse(await fs.readFile(path.join(out, "best", "manifest.json"), "utf8"));
    expect(manifest.candidateId).toBe(best.id);
    await fs.rm(out, { recursive: true, force: true });
  }, 180_000);
});
