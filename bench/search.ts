// `npm run bench:search`: every registered search strategy against Optuna's TPESampler and RandomSampler on standard
// test functions (Branin, Hartmann-6, and a mixed categorical + conditional space; see test-functions.ts), minimising
// each for the same seeds and the same number of evaluations, one trial at a time (batchSize 1: every ask sees every
// earlier result). The table per function shows the best-so-far regret (best found - global minimum) after 20, 50 and
// 100 evaluations as median [q1, q3] over the seeds, and seconds per run; then the goals (goals.ts) as PASS/FAIL lines.
// Optuna runs in its own process (bench/search-optuna.py, Debian's python3-optuna), alongside ours.
// Usage: npm run bench:search [-- --seeds 20 --evals 100 --functions branin,hartmann6,mixed --strategies tpe,gp,optuna-tpe
//        --options 'gp={"maxObservations":50}']
// --options (repeatable) passes a strategy its documented options, as a run would; every other strategy runs on its defaults.
// Full results: .tmp/bench/search.json
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { strategyNames } from "../server/automl/strategies/index";
import { BENCH_FUNCTIONS } from "./search/functions";
import { checkGoals, GOAL_EVALS } from "./search/goals";
import { OPTUNA_SAMPLERS, runOptunaPeer } from "./search/optuna-peer";
import { runStrategy } from "./search/run";
import { formatTable, summarise, type RunRecord } from "./search/summary";

const CHECKPOINTS = [20, 50, 100];
const OUTPUT = path.resolve(import.meta.dirname, "../.tmp/bench/search.json");

const { values } = parseArgs({
  options: {
    seeds: { type: "string", default: "20" },
    evals: { type: "string", default: "100" },
    functions: { type: "string", default: Object.keys(BENCH_FUNCTIONS).join(",") },
    // ours and Optuna's by name: default every registered strategy, optuna-tpe and optuna-random
    strategies: { type: "string" },
    // NAME=JSON, e.g. gp={"maxObservations":50}
    options: { type: "string", multiple: true, default: [] },
  },
});

const seedCount = positiveInt("--seeds", values.seeds);
const evals = positiveInt("--evals", values.evals);
const seeds = Array.from({ length: seedCount }, (_, i) => i);
const functions = listOption("--functions", values.functions, Object.keys(BENCH_FUNCTIONS));
const allSearchers = [...strategyNames(), ...OPTUNA_SAMPLERS];
const searchers = values.strategies ? listOption("--strategies", values.strategies, allSearchers) : allSearchers;
const ours = searchers.filter((s) => strategyNames().includes(s));
const strategyOptions = Object.fromEntries(values.options.map(parseStrategyOption));
const optunaWanted = searchers.some((s) => (OPTUNA_SAMPLERS as readonly string[]).includes(s));
// the budget itself is always a checkpoint, so a short run still reports its end
const checkpoints = [...new Set([...CHECKPOINTS.filter((c) => c < evals), evals])];

const started = performance.now();
// started first so that it runs while ours do; awaited once ours are done
const peer = optunaWanted ? runOptunaPeer({ seeds, evals, functions }) : null;
// keep a failing peer from being reported as unhandled before it is awaited
peer?.catch(() => undefined);

const runs: RunRecord[] = [];
for (const fnName of functions) {
  const { fn } = BENCH_FUNCTIONS[fnName];
  for (const strategy of ours) {
    process.stderr.write(`${fnName} ${strategy} `);
    const t = performance.now();
    for (const seed of seeds) {
      runs.push({ strategy, function: fnName, seed, ...(await runStrategy(strategy, strategyOptions[strategy], fn, seed, evals)) });
      process.stderr.write(".");
    }
    process.stderr.write(` ${((performance.now() - t) / 1000 / seeds.length).toFixed(2)} s/run\n`);
  }
}
const optuna = peer ? await peer : null;
for (const run of optuna?.runs ?? []) if (searchers.includes(run.strategy)) runs.push(run);
const totalSeconds = (performance.now() - started) / 1000;

const optima = Object.fromEntries(functions.map((f) => [f, BENCH_FUNCTIONS[f].optimum]));
const machine = `${os.availableParallelism()} cores, Node ${process.version}${optuna ? `, Optuna ${optuna.optuna}` : ""}`;
console.log(`\n${seedCount} seeds (0..${seedCount - 1}), ${evals} evaluations per run, batchSize 1; ${machine}; ${totalSeconds.toFixed(0)} s in all`);
for (const [name, options] of Object.entries(strategyOptions)) console.log(`${name} options: ${JSON.stringify(options)} (the others: defaults)`);
const summaries: Record<string, ReturnType<typeof summarise>[]> = {};
for (const fnName of functions) {
  const order = [...ours, ...OPTUNA_SAMPLERS.filter((s) => searchers.includes(s))];
  summaries[fnName] = order.map((s) => runs.filter((r) => r.function === fnName && r.strategy === s)).filter((rs) => rs.length > 0).map((rs) => summarise(rs, optima[fnName], checkpoints));
  console.log(`\n### ${fnName} (global minimum ${optima[fnName]})\n`);
  console.log(formatTable(summaries[fnName], checkpoints));
}
const goals = evals >= GOAL_EVALS ? checkGoals(runs, optima) : [];
console.log(`\nGoals (at ${GOAL_EVALS} evaluations):`);
if (evals < GOAL_EVALS) console.log(`  not judged: this run has --evals ${evals}`);
for (const g of goals) console.log(`  ${g.line}`);

await fs.mkdir(path.dirname(OUTPUT), { recursive: true });
await fs.writeFile(OUTPUT, JSON.stringify({ seeds, evals, checkpoints, machine, strategyOptions, totalSeconds, optima, summaries, goals, runs }));
console.log(`\nfull results: ${path.relative(process.cwd(), OUTPUT)}`);

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be a positive integer, got ${text}`);
  return n;
}

function parseStrategyOption(text: string): [string, unknown] {
  const at = text.indexOf("=");
  const name = text.slice(0, at);
  if (at < 0 || !strategyNames().includes(name)) throw new Error(`--options takes NAME=JSON with a registered NAME (${strategyNames().join(", ")}), got ${text}`);
  return [name, JSON.parse(text.slice(at + 1))];
}

function listOption(flag: string, text: string, known: readonly string[]): string[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length || names.length === 0) throw new Error(`${flag}: unknown ${unknown.join(", ") || "(empty list)"}; known: ${known.join(", ")}`);
  return names;
}
