/**
 * The studio's side of one cell, through its command line as a user runs it, on its defaults (no --family, --strategy,
 * --metric): `train --csv train.csv --label L --budget-s B --seed S --test-fraction 0 --out DIR`, then `predict
 * --model DIR/best --csv test.csv` (the label column may stay: predict ignores it), scored by the protocol's score.py.
 * --test-fraction 0 because test.csv is the test set: like the peers, the studio searches and refits on all of train.csv.
 */
import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { METRIC, PYTHON, script, type BenchDataset } from "./datasets";
import { execute, failure } from "./exec";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface StudioResult {
  /** the bench's metric for the task on test.csv (score.py); null when a step failed */
  metric: number | null;
  /** everything score.py printed */
  scores: Record<string, number> | null;
  /** wall-clock seconds of the train command: process start, ingestion, the search (its budget), writing the archive */
  trainSeconds: number | null;
  predictSeconds: number | null;
  /** from the train command's output and leaderboard.json */
  problemType: string | null;
  optimised: string | null;
  workers: number | null;
  family: string | null;
  candidates: { done: number; all: number; byFamily: Record<string, number> } | null;
  /** the best candidate's validation score */
  validationScore: number | null;
  /** where the run is kept: leaderboard.json, best/, .studio/ */
  runDir: string;
  error: string | null;
}

const Leaderboard = z.object({
  metric: z.string(),
  problemType: z.string(),
  bestCandidateId: z.string().nullable(),
  candidates: z.array(z.object({ id: z.string(), family: z.string(), status: z.string(), validationScore: z.number().nullable(), testScore: z.number().nullable() })),
});

/** the studio's CLI in a fresh process, as cli.test.ts runs it (node --import tsx: what `npx tsx` does, without npx) */
const cli = (args: string[], timeoutS: number, logFile: string) =>
  execute(process.execPath, ["--import", "tsx", "server/cli/main.ts", ...args], { cwd: ROOT, timeoutS, logFile });

/** a result with nothing measured (yet): `error` says why */
export function studioFailure(runDir: string, error: string | null): StudioResult {
  const none = { metric: null, scores: null, trainSeconds: null, predictSeconds: null, problemType: null, optimised: null, workers: null };
  return { ...none, family: null, candidates: null, validationScore: null, runDir, error };
}

/** where the studio's predictions of test.csv are written */
export const studioPredictions = (cellDir: string) => path.join(cellDir, "preds-studio.csv");

export async function runStudio(dataset: BenchDataset, dir: string, seed: number, budgetS: number): Promise<StudioResult> {
  const runDir = path.join(dir, "studio");
  const result = studioFailure(runDir, null);
  // the search stops at its budget; ingestion, the last trials' refits and the archive come on top
  const limit = budgetS * 3 + 600;
  const train = await cli(
    ["train", "--csv", path.join(dir, "train.csv"), "--label", dataset.label, "--budget-s", String(budgetS), "--seed", String(seed), "--test-fraction", "0", "--out", runDir],
    limit,
    path.join(dir, "studio-train.log"),
  );
  result.trainSeconds = train.seconds;
  const header = /run \S+: (\S+), metric (\S+), (\d+) workers/.exec(train.stdout);
  if (header) [result.problemType, result.optimised, result.workers] = [header[1], header[2], Number(header[3])];
  // leaderboard.json is written even when no candidate finished
  await readLeaderboard(runDir, result);
  if (train.code !== 0) return { ...result, error: failure("studio train", train) };
  if (result.problemType !== null && result.problemType !== dataset.task) {
    return { ...result, error: `the studio took ${dataset.label} as ${result.problemType}, the protocol as ${dataset.task}` };
  }

  const preds = studioPredictions(dir);
  const predict = await cli(["predict", "--model", path.join(runDir, "best"), "--csv", path.join(dir, "test.csv"), "--out", preds], 600, path.join(dir, "studio-predict.log"));
  result.predictSeconds = predict.seconds;
  if (predict.code !== 0) return { ...result, error: failure("studio predict", predict) };

  const scored = await score(dataset, path.join(dir, "test.csv"), preds);
  if ("error" in scored) return { ...result, error: scored.error };
  return { ...result, scores: scored.scores, metric: scored.scores[METRIC[dataset.task]] ?? null };
}

async function readLeaderboard(runDir: string, result: StudioResult): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(path.join(runDir, "leaderboard.json"), "utf8");
  } catch {
    return;
  }
  const board = Leaderboard.safeParse(JSON.parse(text));
  if (!board.success) return;
  const { candidates, bestCandidateId } = board.data;
  const best = candidates.find((c) => c.id === bestCandidateId);
  const byFamily: Record<string, number> = {};
  for (const c of candidates) byFamily[c.family] = (byFamily[c.family] ?? 0) + 1;
  result.problemType ??= board.data.problemType;
  result.optimised ??= board.data.metric;
  result.family = best?.family ?? null;
  result.validationScore = best?.validationScore ?? null;
  result.candidates = { done: candidates.filter((c) => c.status === "done" || c.status === "stopped").length, all: candidates.length, byFamily };
}

/** score.py TEST.csv LABEL TASK PREDS.csv: one JSON line of scikit-learn's metrics */
export async function score(dataset: BenchDataset, test: string, preds: string): Promise<{ scores: Record<string, number> } | { error: string }> {
  const f = await execute(PYTHON, [script("score.py"), test, dataset.label, dataset.task, preds], { timeoutS: 300 });
  if (f.code !== 0) return { error: failure("score.py", f) };
  try {
    return { scores: z.record(z.string(), z.number()).parse(JSON.parse(f.stdout.trim().split("\n").pop()!)) };
  } catch (err) {
    return { error: `score.py printed no scores (${err instanceof Error ? err.message : String(err)}): ${f.stdout.trim().slice(-300)}` };
  }
}
