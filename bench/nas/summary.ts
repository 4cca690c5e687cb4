/**
 * What `npm run bench:nas` reports per run: the best-so-far curve of full-fidelity validation scores over wall-clock
 * time, and how long each configuration takes to match the best score full training found on the same dataset.
 */
import { metricDirection, type Direction } from "../../server/contracts/run";
import type { RunRecord, TrialRecord } from "./drive";
import { REFERENCE, type ConfigName, type DatasetName } from "./setup";

/** the goal: these configurations reach full training's best in at most this share of its time, on GOAL_DATASETS of the datasets */
export const GOAL_CONFIGS: readonly ConfigName[] = ["low", "curve", "inherit"];
export const GOAL_RATIO = 0.5;
export const GOAL_DATASETS = 2;

/** a point where the best full-fidelity validation score so far improved */
export interface BestPoint {
  seconds: number;
  trial: number;
  valScore: number;
  testScore: number | null;
}

export interface RunSummary {
  dataset: DatasetName;
  config: ConfigName;
  status: RunRecord["status"];
  error: string | null;
  /** done or stopped (a full-fidelity score), pruned, and the rest (failed, cancelled) */
  counts: { done: number; pruned: number; other: number };
  seconds: number;
  best: BestPoint | null;
  curve: BestPoint[];
  /** seconds until this run's best-so-far was at least as good as the reference run's final best; null: never */
  secondsToReference: number | null;
  /** secondsToReference over the reference run's own (the time its best was found); null when either is null */
  ratio: number | null;
}

/**
 * Only done and stopped trials have full-fidelity scores: a pruned trial's score comes from fewer epochs (or less
 * data) and would make a cheap configuration look better than it is.
 */
const fullFidelity = (t: TrialRecord) => (t.status === "done" || t.status === "stopped") && t.valScore !== null && Number.isFinite(t.valScore);

/** the improvements of the best full-fidelity score, in the order the bench saw the trials finish */
export function bestSoFar(trials: readonly TrialRecord[], direction: Direction): BestPoint[] {
  const better = (a: number, b: number) => (direction === "max" ? a > b : a < b);
  const curve: BestPoint[] = [];
  for (const t of [...trials].filter(fullFidelity).sort((a, b) => a.seenAt - b.seenAt)) {
    const best = curve.at(-1);
    if (!best || better(t.valScore!, best.valScore)) curve.push({ seconds: t.seenAt, trial: t.number, valScore: t.valScore!, testScore: t.testScore });
  }
  return curve;
}

/** the first time the curve was at least as good as the target (ties count); null when it never was */
export function secondsToReach(curve: readonly BestPoint[], target: number, direction: Direction): number | null {
  return curve.find((p) => (direction === "max" ? p.valScore >= target : p.valScore <= target))?.seconds ?? null;
}

/** summarises every run of one dataset; the reference configuration's run must be among them */
export function summariseDataset(runs: readonly RunRecord[]): RunSummary[] {
  const reference = runs.find((r) => r.config === REFERENCE);
  if (!reference) throw new Error(`no ${REFERENCE} run to measure against`);
  // a run that never started has no metric, and no trials either
  const direction = (r: RunRecord) => (r.metric ? metricDirection(r.metric) : "max");
  const target = bestSoFar(reference.trials, direction(reference)).at(-1) ?? null;
  return runs.map((r) => {
    const curve = bestSoFar(r.trials, direction(r));
    const seconds = target ? secondsToReach(curve, target.valScore, direction(r)) : null;
    return {
      dataset: r.dataset,
      config: r.config,
      status: r.status,
      error: r.error,
      counts: countTrials(r.trials),
      seconds: r.seconds,
      best: curve.at(-1) ?? null,
      curve,
      secondsToReference: seconds,
      ratio: seconds !== null && target ? seconds / target.seconds : null,
    };
  });
}

function countTrials(trials: readonly TrialRecord[]): RunSummary["counts"] {
  const done = trials.filter((t) => t.status === "done" || t.status === "stopped").length;
  const pruned = trials.filter((t) => t.status === "pruned").length;
  return { done, pruned, other: trials.length - done - pruned };
}

export function formatTable(summaries: readonly RunSummary[]): string {
  const lines = [
    "| dataset | config | trials (done/pruned/other) | total s | best val | test of best | s to reach full's best | ratio |",
    "|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const s of summaries) {
    const { done, pruned, other } = s.counts;
    const reach = s.secondsToReference === null ? "not reached" : s.secondsToReference.toFixed(1);
    const cells = [s.dataset, s.config + (s.status === "completed" ? "" : ` (${s.status})`), `${done}/${pruned}/${other}`, s.seconds.toFixed(1), score(s.best?.valScore), score(s.best?.testScore), reach, s.ratio === null ? "-" : s.ratio.toFixed(2)];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

const score = (v: number | null | undefined) => (v === null || v === undefined ? "-" : v.toFixed(4));

export interface GoalResult {
  config: ConfigName;
  /** null: not judged, too few of the datasets measured */
  pass: boolean | null;
  line: string;
}

/**
 * Per goal configuration that ran: PASS with a ratio of at most GOAL_RATIO on at least GOAL_DATASETS of the
 * datasets; FAIL once too few datasets are left to get there; otherwise not judged (this run left datasets out).
 */
export function checkGoals(summaries: readonly RunSummary[], allDatasets: number): GoalResult[] {
  const results: GoalResult[] = [];
  for (const config of GOAL_CONFIGS) {
    const mine = summaries.filter((s) => s.config === config);
    if (mine.length === 0) continue;
    const passed = mine.filter((s) => s.ratio !== null && s.ratio <= GOAL_RATIO).length;
    const unmeasured = allDatasets - mine.length;
    const pass = passed >= GOAL_DATASETS ? true : passed + unmeasured < GOAL_DATASETS ? false : null;
    const details = mine.map((s) => `${s.dataset} ${s.ratio === null ? (s.status === "not started" ? `not started: ${s.error}` : "not reached") : s.ratio.toFixed(2)}`).join(", ");
    const verdict = pass === null ? `not judged (${mine.length} of ${allDatasets} datasets measured)` : pass ? "PASS" : "FAIL";
    results.push({ config, pass, line: `${config}: ratio <= ${GOAL_RATIO} on ${passed} of ${mine.length} datasets, goal ${GOAL_DATASETS} of ${allDatasets} (${details}): ${verdict}` });
  }
  return results;
}
