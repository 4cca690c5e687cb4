// `npm run bench:nas`: performance-estimation strategies for neural architecture search against full training, through
// the studio's real pipeline (an embedded SQLite studio per run, the coordinator and one in-process worker), on real
// datasets (shared/datasets: credit-g, telco-churn, shuttle). Every run searches the NAS family with evolution for the
// same seed and number of trials; only how a candidate is scored differs:
//   - full:      every candidate trained in full, with early stopping (the reference, always run first)
//   - low:       lower-fidelity estimation       - curve:     stopped when its extrapolated learning curve can't win
//   - inherit:   weight inheritance              - hyperband: full estimation, trained under the Hyperband scheduler
// Per run: wall-clock seconds from the first coordinator tick, the best-so-far curve of full-fidelity validation scores
// (done and stopped trials only: a pruned trial's score is a lower fidelity's) against the time the bench loop first saw
// each trial finished, and the seconds until that curve was at least as good as the full run's final best (ties count;
// for full itself, when its best was found). The table shows one row per dataset and configuration, with the ratio of
// those seconds to full's; then the goals: low, curve and inherit each reach full's best in at most half its time on at
// least 2 of the 3 datasets (PASS/FAIL). A configuration createRun refuses is reported as not started. One untimed
// credit-g trial runs first, to warm the process up.
// Progress (one line per finished trial) goes to stderr.
// Usage: npm run bench:nas [-- --datasets credit-g,telco-churn,shuttle --configs full,low,curve,inherit,hyperband
//        --trials 20 --seed 0]
// Full results (every trial, every curve): .tmp/bench/nas.json
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { initBackend } from "../server/models/backend";
import { benchRun, type RunRecord, type TrialRecord } from "./nas/drive";
import { parseOptions, USAGE, type BenchOptions } from "./nas/options";
import { DATASET_NAMES, REFERENCE, type ConfigName, type DatasetName } from "./nas/setup";
import { checkGoals, formatTable, GOAL_CONFIGS, summariseDataset, type RunSummary } from "./nas/summary";

const OUTPUT = path.resolve(import.meta.dirname, "../.tmp/bench/nas.json");

let options: BenchOptions;
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  console.error(`bench:nas: ${err instanceof Error ? err.message : String(err)}\nusage: ${USAGE}`);
  process.exit(2);
}

const backend = await initBackend();
const machine = `${os.availableParallelism()} cores, Node ${process.version}, TensorFlow.js on ${backend}`;
// The first run in a process pays one-off costs (its first coordinator tick took a few tenths of a second longer when
// measured) that later runs don't; the reference always runs first, so it would carry them into every ratio.
process.stderr.write("warming up: one untimed credit-g trial\n");
await benchRun("credit-g", REFERENCE, { trials: 1, seed: options.seed, backend, onTrial: () => {} });

const started = performance.now();
const runs: RunRecord[] = [];
const summaries: RunSummary[] = [];
for (const dataset of options.datasets) {
  const mine: RunRecord[] = [];
  for (const config of options.configs) {
    const run = await benchRun(dataset, config, { ...options, backend, onTrial: (t) => progress(dataset, config, t) });
    if (run.status !== "completed") process.stderr.write(`${dataset} ${config}: ${run.status}${run.error ? `: ${run.error}` : ""}\n`);
    else process.stderr.write(`${dataset} ${config}: ${run.trials.length} trials in ${run.seconds.toFixed(1)} s\n`);
    mine.push(run);
    runs.push(run);
    // saved after every run, so a long bench that is stopped keeps what it measured
    await save({ runs, summaries });
  }
  summaries.push(...summariseDataset(mine));
}
const totalSeconds = (performance.now() - started) / 1000;
const goals = checkGoals(summaries, DATASET_NAMES.length);
await save({ totalSeconds, runs, summaries, goals });

console.log(`\nNAS (evolution), ${options.trials} trials per run, seed ${options.seed}; ${machine}; ${totalSeconds.toFixed(0)} s in all\n`);
console.log(formatTable(summaries));
console.log("\nGoals (seconds to reach full's best, as a share of full's own):");
if (goals.length === 0) console.log(`  not judged: none of ${GOAL_CONFIGS.join(", ")} ran`);
for (const g of goals) console.log(`  ${g.line}`);
console.log(`\nfull results: ${path.relative(process.cwd(), OUTPUT)}`);

function progress(dataset: DatasetName, config: ConfigName, t: TrialRecord): void {
  const score = t.valScore === null ? "-" : t.valScore.toFixed(4);
  const why = t.status === "failed" ? ` (${t.reason})` : "";
  process.stderr.write(`${dataset} ${config} trial ${t.number}: ${t.status}${why}, val ${score}, at ${t.seenAt.toFixed(1)} s\n`);
}

async function save(results: object): Promise<void> {
  await fs.mkdir(path.dirname(OUTPUT), { recursive: true });
  await fs.writeFile(OUTPUT, JSON.stringify({ ...options, machine, ...results }, null, 2));
}
