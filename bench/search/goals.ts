/**
 * The goals `npm run bench:search` checks, at GOAL_EVALS evaluations:
 *   (a) our Bayesian optimisers (gp, tpe) reach a median regret no worse than Optuna's TPE on Branin and Hartmann-6;
 *   (b) gp, tpe, coarse_to_fine and evolution beat Optuna's RandomSampler on every function: a one-sided Wilcoxon
 *       signed-rank test over the seeds (paired: the same seed for both), p < 0.05.
 */
import { formatNumber, quartiles, regretAt, type RunRecord } from "./summary";
import { wilcoxonSignedRank } from "./wilcoxon";

export const GOAL_EVALS = 50;
const BAYESIAN = ["gp", "tpe"];
const BAYESIAN_FUNCTIONS = ["branin", "hartmann6"];
const BEAT_RANDOM = ["gp", "tpe", "coarse_to_fine", "evolution"];
const ALPHA = 0.05;

export interface GoalResult {
  goal: "a" | "b";
  strategy: string;
  function: string;
  /** null: not measured in this run (a searcher or function left out) */
  pass: boolean | null;
  line: string;
}

/** regrets at GOAL_EVALS by seed, or null when the searcher did not run (or refused the space) there */
type RegretsBySeed = (strategy: string, fn: string) => Map<number, number> | null;

export function checkGoals(runs: readonly RunRecord[], optima: Record<string, number>): GoalResult[] {
  const regrets: RegretsBySeed = (strategy, fn) => {
    const mine = runs.filter((r) => r.strategy === strategy && r.function === fn);
    if (mine.length === 0 || mine.some((r) => r.best.length === 0)) return null;
    return new Map(mine.map((r) => [r.seed, regretAt(r, GOAL_EVALS, optima[fn])!]));
  };
  const results: GoalResult[] = [];
  for (const fn of BAYESIAN_FUNCTIONS) for (const strategy of BAYESIAN) results.push(bayesianGoal(regrets, strategy, fn));
  for (const fn of Object.keys(optima)) for (const strategy of BEAT_RANDOM) results.push(beatRandomGoal(regrets, strategy, fn));
  return results;
}

function bayesianGoal(regrets: RegretsBySeed, strategy: string, fn: string): GoalResult {
  const ours = regrets(strategy, fn);
  const optuna = regrets("optuna-tpe", fn);
  const head = `(a) ${strategy} on ${fn}: median regret @${GOAL_EVALS}`;
  if (!ours || !optuna) return { goal: "a", strategy, function: fn, pass: null, line: `${head}: not measured in this run` };
  const mine = quartiles([...ours.values()]).median;
  const theirs = quartiles([...optuna.values()]).median;
  const pass = mine <= theirs;
  return { goal: "a", strategy, function: fn, pass, line: `${head} ${formatNumber(mine)} ${pass ? "<=" : ">"} optuna-tpe ${formatNumber(theirs)}: ${pass ? "PASS" : "FAIL"}` };
}

function beatRandomGoal(regrets: RegretsBySeed, strategy: string, fn: string): GoalResult {
  const ours = regrets(strategy, fn);
  const random = regrets("optuna-random", fn);
  const head = `(b) ${strategy} on ${fn} vs optuna-random @${GOAL_EVALS}`;
  if (!ours || !random) return { goal: "b", strategy, function: fn, pass: null, line: `${head}: not measured in this run` };
  const seeds = [...ours.keys()].filter((s) => random.has(s));
  const test = wilcoxonSignedRank(
    seeds.map((s) => ours.get(s)!),
    seeds.map((s) => random.get(s)!),
    "less",
  );
  const pass = test.p < ALPHA;
  const detail = `one-sided Wilcoxon over ${seeds.length} seeds (${test.n} non-zero), W+ = ${test.wPlus}, p = ${formatNumber(test.p)}`;
  return { goal: "b", strategy, function: fn, pass, line: `${head}: ${detail} ${pass ? "<" : ">="} ${ALPHA}: ${pass ? "PASS" : "FAIL"}` };
}
