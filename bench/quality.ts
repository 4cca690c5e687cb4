// `npm run bench:quality`: the studio's test metric beside its peers', on the shared benchmark protocol
// (shared/bench/README.md). For every dataset of shared/bench/datasets.tsv and every split seed, split.py writes a
// deterministic 80/20 split (stratified for classification); the studio trains on train.csv through its command line on
// its defaults (`train --csv train.csv --label L --budget-s B --seed S --out DIR`, no family, strategy or metric chosen),
// predicts test.csv (`predict --model DIR/best`), and score.py scores it with scikit-learn's metrics; then peers.py
// trains scikit-learn's HistGradientBoosting (defaults) and XGBoost tuned by Optuna's TPE for the same budget on the same
// rows; then quality/paired.py bootstraps the test rows for the 95% interval of the studio's gap to XGBoost+TPE.
// One process at a time, never side by side: they share the machine's cores. Metric per task: AUC (binary), log
// loss (multiclass), RMSE (regression). The goal: on every dataset, the studio's median over seeds 0, 1 and 2 at a
// 60-second budget is at least as good as XGBoost+TPE's (higher AUC, lower log loss and RMSE).
// A step that fails (studio, peer, split) is reported for its cell, and the bench goes on.
// Progress (one line per step) goes to stderr; the tables to stdout.
// Usage: npm run bench:quality [-- --datasets credit-g,cars --seeds 0,1,2 --budget-s 60 --out DIR]
// Every cell's files stay in the out folder (default a fresh temp folder): OUT/seed-S/<dataset>/ holds train.csv,
// test.csv, the predictions of each, the logs and the studio's run (studio/leaderboard.json, studio/best/);
// the results: OUT/results.json.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { datasetsTsv, METRIC, PYTHON, readDatasets } from "./quality/datasets";
import { execute, killChildrenOnSignal } from "./quality/exec";
import { parseOptions, USAGE, type BenchOptions } from "./quality/options";
import { pairedGap } from "./quality/paired";
import { PEER_LABELS, PEERS, peerPredictions, runPeers, type PeerName, type PeerResult } from "./quality/peers";
import { cellDir, seedDir, splitSeed } from "./quality/split";
import { runStudio, studioFailure, studioPredictions } from "./quality/studio";
import { formatCells, formatErrors, formatGap, formatMedians, goalLine, summariseDataset, type Cell, type DatasetSummary } from "./quality/summary";

/** the protocol the goal is stated for */
const GOAL_BUDGET_S = 60;
const GOAL_SEEDS = [0, 1, 2];

const known = readDatasets();
let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2), known);
} catch (err) {
  console.error(`bench:quality: ${err instanceof Error ? err.message : String(err)}\nusage: ${USAGE}`);
  process.exit(2);
}
killChildrenOnSignal();

const out = path.resolve(options.out ?? (await fs.mkdtemp(path.join(os.tmpdir(), "bench-quality-"))));
await fs.mkdir(out, { recursive: true });
const tsv = path.join(out, "datasets.tsv");
await fs.writeFile(tsv, datasetsTsv(options.datasets));
const OUTPUT = path.join(out, "results.json");
const versions = await execute(PYTHON, ["-c", "import sklearn, xgboost, optuna; print(f'scikit-learn {sklearn.__version__}, XGBoost {xgboost.__version__}, Optuna {optuna.__version__}')"], { timeoutS: 120 });
const peerVersions = versions.code === 0 ? versions.stdout.trim() : "peers' packages missing (apt-get install -y python3-sklearn python3-pandas python3-xgboost python3-optuna)";
const machine = `${os.availableParallelism()} cores, Node ${process.version}; ${peerVersions}`;
process.stderr.write(`bench:quality: ${options.datasets.length} datasets x ${options.seeds.length} seeds, ${options.budgetS} s budget; out ${out}\n`);

const started = performance.now();
const splitErrors = new Map<number, string | null>();
for (const seed of options.seeds) {
  const error = await splitSeed(out, seed, tsv, options.datasets.map((d) => d.name));
  splitErrors.set(seed, error);
  process.stderr.write(`split seed ${seed}: ${error ?? `written to ${seedDir(out, seed)}`}\n`);
}

const cells: Cell[] = [];
const summaries: DatasetSummary[] = [];
for (const dataset of options.datasets) {
  const mine: Cell[] = [];
  const metric = METRIC[dataset.task];
  for (const seed of options.seeds) {
    const dir = cellDir(out, seed, dataset.name);
    const where = `${dataset.name} seed ${seed}`;
    const splitError = splitErrors.get(seed) ?? null;
    let cell: Cell;
    if (splitError) {
      const peers = Object.fromEntries(PEERS.map((p) => [p, { metric: null, scores: null, seconds: null, error: splitError }])) as Record<PeerName, PeerResult>;
      cell = { dataset: dataset.name, task: dataset.task, metric, seed, dir, studio: studioFailure(path.join(dir, "studio"), splitError), peers, gap: null, gapError: null };
      process.stderr.write(`${where}: no split (${splitError})\n`);
    } else {
      process.stderr.write(`${where} studio: training for ${options.budgetS} s ...\n`);
      const studio = await runStudio(dataset, dir, seed, options.budgetS);
      const detail = studio.family ? `, best ${studio.family} of ${studio.candidates?.done ?? 0} candidates` : "";
      process.stderr.write(
        `${where} studio: ${studio.error ? `FAILED: ${studio.error}` : `${metric} ${studio.metric?.toFixed(4)}`}` +
          `${detail}; train ${studio.trainSeconds?.toFixed(1) ?? "-"} s, predict ${studio.predictSeconds?.toFixed(1) ?? "-"} s\n`,
      );
      process.stderr.write(`${where} peers: HistGradientBoosting, then XGBoost+TPE for ${options.budgetS} s ...\n`);
      const peers = await runPeers(dataset, seedDir(out, seed), options.budgetS, tsv);
      for (const p of PEERS) {
        const r = peers[p];
        process.stderr.write(`${where} ${PEER_LABELS[p]}: ${r.error ? `FAILED: ${r.error}` : `${metric} ${r.metric?.toFixed(4)} in ${r.seconds} s`}\n`);
      }
      cell = { dataset: dataset.name, task: dataset.task, metric, seed, dir, studio, peers, gap: null, gapError: null };
      if (studio.metric !== null && peers["xgb-tpe"].metric !== null) {
        const gap = await pairedGap(dataset, path.join(dir, "test.csv"), studioPredictions(dir), peerPredictions(dir, "xgb-tpe", options.budgetS));
        if ("error" in gap) cell.gapError = gap.error;
        else cell.gap = gap;
        process.stderr.write(`${where} studio - XGB+TPE: ${"error" in gap ? `FAILED: ${gap.error}` : formatGap(gap)}\n`);
      }
    }
    mine.push(cell);
    cells.push(cell);
    // saved after every cell, so a long bench that is stopped keeps what it measured
    await save({ cells, summaries });
  }
  summaries.push(summariseDataset(mine));
}
const totalSeconds = (performance.now() - started) / 1000;
await save({ totalSeconds, cells, summaries });

console.log(`\nTest metric per dataset and split seed (AUC: higher is better; log loss, RMSE: lower), ${options.budgetS} s budget; ${machine}; ${totalSeconds.toFixed(0)} s in all\n`);
console.log(formatCells(cells));
console.log(`\nMedians over seeds ${options.seeds.join(", ")}\n`);
console.log(formatMedians(summaries));
const errors = formatErrors(cells);
if (errors.length > 0) console.log(`\nFailures:\n${errors.map((e) => `  ${e}`).join("\n")}`);
const protocol = options.budgetS === GOAL_BUDGET_S && GOAL_SEEDS.every((s) => options.seeds.includes(s));
console.log(`\nGoal (${GOAL_BUDGET_S} s budget, seeds ${GOAL_SEEDS.join(", ")}, every dataset of datasets.tsv):`);
console.log(protocol ? `  ${goalLine(summaries, known.length)}` : `  not judged: this run has --budget-s ${options.budgetS} --seeds ${options.seeds.join(",")}`);
console.log(`\nfull results: ${OUTPUT}; every cell's files under ${out}`);

async function save(results: object): Promise<void> {
  await fs.writeFile(OUTPUT, JSON.stringify({ datasets: options.datasets.map((d) => d.name), seeds: options.seeds, budgetS: options.budgetS, machine, ...results }, null, 2));
}
