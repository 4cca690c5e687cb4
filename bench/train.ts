// `npm run bench:train`: training throughput of the NAS engine (server/models/nas/engine) against PyTorch on the same
// two networks, rows, batch size, optimizer and thread count, in one command:
//   - mlp:      50 inputs -> 128 -> 64 -> 1, ReLU, sigmoid head
//   - residual: stem dense 50 -> 128 ReLU, two blocks h + dense128-linear(dense128-relu(h)), head 1 (sigmoid); the
//               architecture has no activation node, so there is no ReLU after the add (PyTorch's model is the same)
// Adam (lr 1e-3), batch 256, 200,000 seeded synthetic rows (binary label), 3 epochs each; five alternating
// repetitions (ours, PyTorch, ours, ...); the table shows the median rows/s (training rows per second over the
// 3 epochs) of each, and the mlp row also the MLP family's engine (server/models/tfjs-mlp, whose per-epoch
// evaluation of 7,000 rows is included in its time). PyTorch (Debian's python3-torch) runs in one long-lived child
// process (bench/train-torch.py) on the same rows, written once to .tmp/bench/train-data.bin, with
// torch.set_num_threads(N) for N = our thread count (the wasm backend runs single-threaded in Node).
// The ratios (ours / PyTorch) come last.
// Usage: npm run bench:train [-- --rows 200000 --epochs 3 --reps 5 --models mlp,residual --no-family --threads N]
// Full results: .tmp/bench/train.json
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../server/models/backend";
import type { Architecture } from "../server/models/nas/architecture";
import { NasTrainer } from "../server/models/nas/engine";
import { mlpFamily } from "../server/models/tfjs-mlp";
import { Rng } from "../server/models/tfjs-mlp/rng";

const OUT_DIR = path.resolve(import.meta.dirname, "../.tmp/bench");
const COLS = 50;
const BATCH = 256;
const LEARNING_RATE = 1e-3;

const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    epochs: { type: "string", default: "3" },
    reps: { type: "string", default: "5" },
    models: { type: "string", default: "mlp,residual" },
    "no-family": { type: "boolean", default: false },
    threads: { type: "string" },
  },
});
const rows = positiveInt("--rows", values.rows);
const epochs = positiveInt("--epochs", values.epochs);
const reps = positiveInt("--reps", values.reps);
const models = values.models.split(",").map((m) => m.trim());
for (const m of models) if (m !== "mlp" && m !== "residual") throw new Error(`--models: unknown model "${m}" (mlp, residual)`);

function positiveInt(name: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

const dense = (id: string, input: string, units: number, activation: "relu" | "linear") =>
  ({ id, op: "dense", input, units, activation, batchNorm: false, dropout: 0, l2: 0 }) as const;

const ARCHS: Record<string, Architecture> = {
  mlp: { inputs: COLS, nodes: [dense("h1", "input", 128, "relu"), dense("h2", "h1", 64, "relu")], output: "h2", outputs: 1, head: "sigmoid" },
  residual: {
    inputs: COLS,
    nodes: [
      dense("stem", "input", 128, "relu"),
      dense("b1.fc1", "stem", 128, "relu"),
      dense("b1.fc2", "b1.fc1", 128, "linear"),
      { id: "b1", op: "add", inputs: ["stem", "b1.fc2"] },
      dense("b2.fc1", "b1", 128, "relu"),
      dense("b2.fc2", "b2.fc1", 128, "linear"),
      { id: "b2", op: "add", inputs: ["b1", "b2.fc2"] },
    ],
    output: "b2",
    outputs: 1,
    head: "sigmoid",
  },
};

const backend = await initBackend();
const ourThreads = backend === "wasm" ? (await import("@tensorflow/tfjs-backend-wasm")).getThreadsCount() : backend === "cpu" ? 1 : os.availableParallelism();
const threads = values.threads ? positiveInt("--threads", values.threads) : ourThreads;

// the data: x uniform in [-1, 1], y = [sum_j x_j ((j mod 5) - 2) + noise > 0]
const rng = new Rng(20240601);
const x = new Float32Array(rows * COLS);
const y = new Float32Array(rows);
for (let i = 0; i < rows; i++) {
  let t = 0;
  for (let j = 0; j < COLS; j++) {
    const v = rng.next() * 2 - 1;
    x[i * COLS + j] = v;
    t += v * ((j % 5) - 2);
  }
  y[i] = t + rng.next() - 0.5 > 0 ? 1 : 0;
}
await fs.mkdir(OUT_DIR, { recursive: true });
const dataFile = path.join(OUT_DIR, "train-data.bin");
const file = new Uint8Array(4 * (x.length + y.length));
file.set(new Uint8Array(x.buffer), 0);
file.set(new Uint8Array(y.buffer), 4 * x.length);
await fs.writeFile(dataFile, file);

// PyTorch: one child for all repetitions
const threadEnv = { OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
const torch = spawn("/usr/bin/python3", [path.join(import.meta.dirname, "train-torch.py"), "--data", dataFile, "--rows", String(rows), "--cols", String(COLS), "--threads", String(threads)], {
  stdio: ["pipe", "pipe", "inherit"],
  env: { ...process.env, ...threadEnv },
});
const torchLines = createInterface({ input: torch.stdout })[Symbol.asyncIterator]();
const readTorch = async () => {
  const next = await torchLines.next();
  if (next.done) throw new Error("bench/train-torch.py ended early (see its stderr above)");
  return JSON.parse(next.value);
};
const torchInfo = await readTorch();

interface Run {
  rowsPerSecond: number;
  seconds: number;
  loss: number;
}

function runOurs(model: string, seed: number): Run {
  const trainer = new NasTrainer(ARCHS[model], { optimizer: "adam", learningRate: LEARNING_RATE, batchSize: BATCH }, { seed });
  const data = { x: { rows, cols: COLS, data: x }, y };
  const started = performance.now();
  let loss = NaN;
  for (let e = 0; e < epochs; e++) loss = trainer.trainEpochSync(data).loss;
  const seconds = (performance.now() - started) / 1000;
  trainer.dispose();
  return { rowsPerSecond: (epochs * rows) / seconds, seconds, loss };
}

async function runFamily(seed: number): Promise<Run> {
  const params = { depth: 2, units_0: 128, units_1: 64, activation: "relu", dropout: 0, learning_rate: LEARNING_RATE, batch_size: BATCH, weight_decay: 0, batch_norm: false, patience: 10, max_epochs: epochs };
  let seconds = 0;
  let loss = NaN;
  const fit = await mlpFamily.fit(
    { task: { type: "binary", classes: ["0", "1"] }, xTrain: { rows, cols: COLS, data: x }, yTrain: y, xVal: { rows: 2000, cols: COLS, data: x.subarray(0, 2000 * COLS) }, yVal: y.subarray(0, 2000) },
    params,
    {
      seed,
      metric: "auc",
      deadline: Infinity,
      epochs,
      async onEpoch(r) {
        seconds += r.seconds;
        loss = r.trainLoss;
        return "continue";
      },
    },
  );
  fit.model.dispose();
  return { rowsPerSecond: (epochs * rows) / seconds, seconds, loss };
}

async function runTorch(model: string, seed: number): Promise<Run> {
  torch.stdin.write(JSON.stringify({ model, epochs, batchSize: BATCH, learningRate: LEARNING_RATE, seed }) + "\n");
  return readTorch();
}

const results: Record<string, Record<string, Run[]>> = {};
const started = performance.now();
for (let rep = 0; rep < reps; rep++) {
  for (const model of models) {
    const r = (results[model] ??= { ours: [], torch: [], family: [] });
    r.ours.push(runOurs(model, rep + 1));
    r.torch.push(await runTorch(model, rep + 1));
    if (model === "mlp" && !values["no-family"]) r.family.push(await runFamily(rep + 1));
    const last = (k: string) => r[k].at(-1);
    process.stderr.write(
      `rep ${rep + 1}/${reps} ${model}: ours ${fmt(last("ours")!.rowsPerSecond)}, torch ${fmt(last("torch")!.rowsPerSecond)}` +
        (last("family") ? `, mlp family ${fmt(last("family")!.rowsPerSecond)}` : "") +
        " rows/s\n",
    );
  }
}
torch.stdin.end();
const totalSeconds = (performance.now() - started) / 1000;

function fmt(n: number): string {
  return Math.round(n).toLocaleString("en");
}
function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const med = (runs: Run[]) => median(runs.map((r) => r.rowsPerSecond));

console.log(
  `\n${rows.toLocaleString("en")} rows x ${COLS}, ${epochs} epochs, batch ${BATCH}, Adam ${LEARNING_RATE}; ${reps} alternating repetitions, medians; ` +
    `TensorFlow.js ${tf.version.tfjs} on ${backend} (${ourThreads} thread${ourThreads === 1 ? "" : "s"}), PyTorch ${torchInfo.torch} (${torchInfo.threads} thread${torchInfo.threads === 1 ? "" : "s"}); ` +
    `${os.availableParallelism()} cores, Node ${process.version}; ${totalSeconds.toFixed(0)} s in all\n`,
);
console.log("| model | engine | rows/s (median) | min - max | final loss | vs PyTorch |");
console.log("|---|---|---:|---:|---:|---:|");
for (const model of models) {
  const r = results[model];
  const torchMed = med(r.torch);
  const row = (name: string, runs: Run[]) => {
    const v = runs.map((x) => x.rowsPerSecond);
    console.log(`| ${model} | ${name} | ${fmt(median(v))} | ${fmt(Math.min(...v))} - ${fmt(Math.max(...v))} | ${runs.at(-1)!.loss.toFixed(4)} | ${(median(v) / torchMed).toFixed(2)}x |`);
  };
  row("NAS engine (ours)", r.ours);
  if (r.family.length) row("MLP family (tfjs-mlp)", r.family);
  row("PyTorch", r.torch);
}
await fs.writeFile(path.join(OUT_DIR, "train.json"), JSON.stringify({ rows, epochs, batch: BATCH, backend, threads, torch: torchInfo, results }, null, 2));
console.log("");
for (const model of models) {
  const r = results[model];
  const ratio = med(r.ours) / med(r.torch);
  console.log(`${model}: ours ${fmt(med(r.ours))} rows/s, PyTorch ${fmt(med(r.torch))} rows/s, ratio ${ratio.toFixed(2)} (goal >= 0.5: ${ratio >= 0.5 ? "PASS" : "FAIL"})`);
}
