// `npm run bench:gbdt`: the studio's GBDT (server/models/gbdt) against XGBoost's hist method (Debian's
// python3-xgboost) on shuttle (7 classes) and diamonds (regression), in one command, with the same settings on both
// sides: a fixed number of rounds (no early stopping), depth-wise growth to max depth 6, learning rate 0.1, the same
// bin count, lambda 1, min_child_weight 1, alpha and gamma 0, no row or column subsampling, one thread each (our
// GBDT is single-threaded in Node; XGBoost gets nthread 1 and OMP_NUM_THREADS=1).
// Data: the protocol's deterministic 80/20 split (shared/bench/split.py, stratified, seed 0), encoded once here as
// float32 matrices (diamonds' cut, color and clarity as ordinal codes in ggplot2's level order, numbers as they are)
// and handed to XGBoost in a file (.tmp/bench/gbdt/<name>/data.bin), so both learn from the same numbers.
// Timed: the fit only (binning included on both sides, as each does it inside training; loading and encoding not).
// Repetitions alternate (ours, XGBoost, ours, ...) per dataset; the table shows medians. XGBoost runs in one
// long-lived child process (bench/gbdt-xgboost.py). Test metrics (the models are deterministic, so any repetition's)
// are scored by the same code for both (server/automl/estimation/metrics.ts, scikit-learn's definitions): log loss and
// accuracy for shuttle, RMSE for diamonds. The ratios (ours / XGBoost fit seconds; goal <= 2) come last.
// Usage: npm run bench:gbdt [-- --datasets shuttle,diamonds --rounds 300 --depth 6 --learning-rate 0.1 --bins 255
//        --reps 3 --seed 1]
// Full results: .tmp/bench/gbdt.json
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { score } from "../server/automl/estimation/metrics";
import type { Metric } from "../server/contracts/dataset";
import { gbdtFamily, type FittedGbdt } from "../server/models/gbdt";
import { DATASET_NAMES, loadDataset, splitDatasets, type BenchData, type DatasetName } from "./gbdt/data";

const OUT_DIR = path.resolve(import.meta.dirname, "../.tmp/bench");
const DATA_DIR = path.join(OUT_DIR, "gbdt");
/** the ratio goal: our fit at most this many times XGBoost's */
const GOAL_RATIO = 2;
const LAMBDA = 1;
const MIN_CHILD_WEIGHT = 1;

const { values } = parseArgs({
  options: {
    datasets: { type: "string", default: DATASET_NAMES.join(",") },
    rounds: { type: "string", default: "300" },
    depth: { type: "string", default: "6" },
    "learning-rate": { type: "string", default: "0.1" },
    // 255 value bins: the family's own setting, which keeps a bin code (missing bin included) in one byte
    bins: { type: "string", default: "255" },
    reps: { type: "string", default: "3" },
    seed: { type: "string", default: "1" },
  },
});
const datasets = values.datasets.split(",").map((d) => d.trim()) as DatasetName[];
for (const d of datasets) if (!DATASET_NAMES.includes(d)) throw new Error(`--datasets: unknown dataset "${d}" (${DATASET_NAMES.join(", ")})`);
const rounds = positiveInt("--rounds", values.rounds);
const depth = positiveInt("--depth", values.depth);
const bins = positiveInt("--bins", values.bins);
const reps = positiveInt("--reps", values.reps);
const seed = positiveInt("--seed", values.seed);
const learningRate = Number(values["learning-rate"]);
if (!(learningRate > 0 && learningRate <= 1)) throw new Error(`--learning-rate must be in (0, 1], got ${values["learning-rate"]}`);

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

process.stderr.write(`splitting and encoding ${datasets.join(", ")}\n`);
await splitDatasets(datasets, DATA_DIR);
const data: BenchData[] = [];
for (const d of datasets) data.push(await loadDataset(d, DATA_DIR));

// XGBoost: one child for all repetitions
const xgbProcess = spawn("/usr/bin/python3", [path.join(import.meta.dirname, "gbdt-xgboost.py")], {
  stdio: ["pipe", "pipe", "inherit"],
  env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
});
const xgbLines = createInterface({ input: xgbProcess.stdout })[Symbol.asyncIterator]();
const readXgb = async () => {
  const next = await xgbLines.next();
  if (next.done) throw new Error("bench/gbdt-xgboost.py ended early (see its stderr above; is python3-xgboost installed? apt-get install -y python3-xgboost)");
  return JSON.parse(next.value);
};
const xgbInfo = await readXgb();

interface Run {
  seconds: number;
  /** mean leaves per tree */
  leaves: number;
  trees: number;
  metrics: Record<string, number>;
}

const metricsOf = (d: BenchData): Metric[] => (d.task.type === "regression" ? ["rmse"] : ["logloss", "accuracy"]);

function scoreAll(d: BenchData, pred: Float32Array): Record<string, number> {
  return Object.fromEntries(metricsOf(d).map((m) => [m, score(m, d.task, d.yTest, pred)]));
}

async function runOurs(d: BenchData): Promise<Run> {
  const params = {
    learning_rate: learningRate,
    growth: "depthwise",
    max_depth: depth,
    min_child_weight: MIN_CHILD_WEIGHT,
    subsample: 1,
    colsample_bytree: 1,
    lambda: LAMBDA,
    min_split_gain: 0,
    max_bins: bins,
    max_rounds: rounds,
  };
  const input = { task: d.task, xTrain: d.xTrain, yTrain: d.yTrain, xVal: { rows: 0, cols: d.xTrain.cols, data: new Float32Array(0) }, yVal: new Float32Array(0) };
  const started = performance.now();
  // epochs: exactly `rounds` rounds, no early stopping (there is no validation set)
  const fit = await gbdtFamily.fit(input, params, { seed, metric: metricsOf(d)[0], deadline: Infinity, epochs: rounds, onEpoch: async () => "continue" });
  const seconds = (performance.now() - started) / 1000;
  const model = fit.model as FittedGbdt;
  const leaves = model.trees.reduce((s, t) => s + t.leaves(), 0) / model.trees.length;
  const run = { seconds, leaves, trees: model.trees.length, metrics: scoreAll(d, model.predict(d.xTest)) };
  model.dispose();
  return run;
}

async function runXgb(d: BenchData): Promise<Run> {
  const predictions = path.join(DATA_DIR, d.name, "xgboost-pred.bin");
  const request = {
    data: d.file,
    trainRows: d.xTrain.rows,
    testRows: d.xTest.rows,
    cols: d.xTrain.cols,
    task: d.task.type,
    classes: d.task.classes.length,
    rounds,
    maxDepth: depth,
    learningRate,
    maxBins: bins,
    lambda: LAMBDA,
    minChildWeight: MIN_CHILD_WEIGHT,
    seed,
    predictions,
  };
  xgbProcess.stdin.write(JSON.stringify(request) + "\n");
  const answer = await readXgb();
  const buf = await fs.readFile(predictions);
  const pred = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return { seconds: answer.seconds, leaves: answer.leaves, trees: answer.trees, metrics: scoreAll(d, pred) };
}

const results: Record<string, { ours: Run[]; xgboost: Run[] }> = {};
const started = performance.now();
for (let rep = 0; rep < reps; rep++) {
  for (const d of data) {
    const r = (results[d.name] ??= { ours: [], xgboost: [] });
    r.ours.push(await runOurs(d));
    r.xgboost.push(await runXgb(d));
    process.stderr.write(`rep ${rep + 1}/${reps} ${d.name}: ours ${r.ours.at(-1)!.seconds.toFixed(2)} s, XGBoost ${r.xgboost.at(-1)!.seconds.toFixed(2)} s\n`);
  }
}
xgbProcess.stdin.end();
const totalSeconds = (performance.now() - started) / 1000;

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const med = (runs: Run[]) => median(runs.map((r) => r.seconds));
const fmtMetrics = (m: Record<string, number>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${k === "rmse" ? v.toFixed(1) : v.toFixed(4)}`)
    .join(", ");

console.log(
  `\n${rounds} rounds, depth-wise to depth ${depth}, learning rate ${learningRate}, ${bins} bins, lambda ${LAMBDA}, min_child_weight ${MIN_CHILD_WEIGHT}, no subsampling; ` +
    `${reps} alternating repetitions, medians; ours single-threaded (Node ${process.version}), XGBoost ${xgbInfo.xgboost} hist (${xgbInfo.threads} thread); ` +
    `${os.availableParallelism()} cores; ${totalSeconds.toFixed(0)} s in all\n`,
);
console.log("| dataset | rows (train / test) | ours s | XGBoost s | leaves/tree (ours / XGBoost) | ours test | XGBoost test | ratio |");
console.log("|---|---:|---:|---:|---:|---|---|---:|");
for (const d of data) {
  const r = results[d.name];
  const [o, x] = [r.ours, r.xgboost];
  console.log(
    `| ${d.name} | ${d.xTrain.rows} / ${d.xTest.rows} | ${med(o).toFixed(2)} | ${med(x).toFixed(2)} | ${o.at(-1)!.leaves.toFixed(1)} / ${x.at(-1)!.leaves.toFixed(1)} | ` +
      `${fmtMetrics(o.at(-1)!.metrics)} | ${fmtMetrics(x.at(-1)!.metrics)} | ${(med(o) / med(x)).toFixed(2)}x |`,
  );
}
await fs.writeFile(
  path.join(OUT_DIR, "gbdt.json"),
  JSON.stringify({ rounds, depth, learningRate, bins, lambda: LAMBDA, minChildWeight: MIN_CHILD_WEIGHT, reps, seed, xgboost: xgbInfo, results }, null, 2),
);
console.log("");
for (const d of data) {
  const r = results[d.name];
  const ratio = med(r.ours) / med(r.xgboost);
  console.log(`${d.name}: ours ${med(r.ours).toFixed(2)} s, XGBoost ${med(r.xgboost).toFixed(2)} s, ratio ${ratio.toFixed(2)} (goal <= ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? "PASS" : "FAIL"})`);
}
