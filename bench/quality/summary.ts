/**
 * What `npm run bench:quality` reports: one row per dataset and seed (the studio's test metric beside the peers'), then
 * per dataset the medians over the seeds and whether the studio's is at least as good as XGBoost+TPE's.
 */
import { HIGHER_IS_BETTER, type BenchMetric, type Task } from "./datasets";
import type { PairedGap } from "./paired";
import { PEER_LABELS, PEERS, type PeerName, type PeerResult } from "./peers";
import type { StudioResult } from "./studio";

/** one dataset and split seed: the studio and every peer on the same train.csv and test.csv */
export interface Cell {
  dataset: string;
  task: Task;
  metric: BenchMetric;
  seed: number;
  /** where train.csv, test.csv, every predictions CSV and the studio's run folder are */
  dir: string;
  studio: StudioResult;
  peers: Record<PeerName, PeerResult>;
  /** the studio's metric minus XGBoost+TPE's, bootstrapped over the test rows; null unless both scored */
  gap: PairedGap | null;
  gapError: string | null;
}

export interface DatasetSummary {
  dataset: string;
  metric: BenchMetric;
  seeds: number;
  /** medians over the seeds each one has a score for, with how many those are */
  studio: Median;
  peers: Record<PeerName, Median>;
  /** the studio's train command, median seconds (ingestion and writing the archive included) */
  studioSeconds: number | null;
  /** the best candidate's family, per seed */
  families: (string | null)[];
  /** studio median at least as good as XGBoost+TPE's (ties count); null unless both scored every seed */
  atLeastAsGood: boolean | null;
  /** seeds whose gap's 95% interval lies wholly on one side of 0: the studio clearly behind XGBoost+TPE, or ahead */
  clearly: { behind: number; ahead: number };
}

export interface Median {
  value: number | null;
  n: number;
}

/** the middle value, or the mean of the two middle ones; null for none */
export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const medianOf = (values: readonly (number | null)[]): Median => {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return { value: median(present), n: present.length };
};

/** a at least as good as b for the metric: higher AUC, lower log loss and RMSE; ties count */
export const atLeastAsGood = (metric: BenchMetric, a: number, b: number) => (HIGHER_IS_BETTER[metric] ? a >= b : a <= b);

/** the cells of one dataset, one per seed */
export function summariseDataset(cells: readonly Cell[]): DatasetSummary {
  const { dataset, metric } = cells[0];
  const studio = medianOf(cells.map((c) => c.studio.metric));
  const peers = Object.fromEntries(PEERS.map((p) => [p, medianOf(cells.map((c) => c.peers[p].metric))])) as Record<PeerName, Median>;
  const xgb = peers["xgb-tpe"];
  const complete = studio.n === cells.length && xgb.n === cells.length;
  return {
    dataset,
    metric,
    seeds: cells.length,
    studio,
    peers,
    studioSeconds: median(cells.flatMap((c) => (c.studio.trainSeconds === null ? [] : [c.studio.trainSeconds]))),
    families: cells.map((c) => c.studio.family),
    atLeastAsGood: complete ? atLeastAsGood(metric, studio.value!, xgb.value!) : null,
    clearly: {
      behind: cells.filter((c) => c.gap && side(metric, c.gap) === "behind").length,
      ahead: cells.filter((c) => c.gap && side(metric, c.gap) === "ahead").length,
    },
  };
}

/** where a gap's 95% interval lies: wholly on the studio's worse side of 0, wholly on its better side, or across 0 */
export function side(metric: BenchMetric, gap: PairedGap): "behind" | "ahead" | "unclear" {
  const [worse, better] = HIGHER_IS_BETTER[metric] ? [gap.hi < 0, gap.lo > 0] : [gap.lo > 0, gap.hi < 0];
  return worse ? "behind" : better ? "ahead" : "unclear";
}

const signed = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(4)}`;

/** e.g. "-0.0069 [-0.0373, +0.0229]": the test set's gap and its 95% bootstrap interval */
export const formatGap = (gap: PairedGap) => `${signed(gap.diff)} [${signed(gap.lo)}, ${signed(gap.hi)}]`;

const num = (v: number | null | undefined, digits = 4) => (v === null || v === undefined ? "-" : v.toFixed(digits));
const row = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;

export function formatCells(cells: readonly Cell[]): string {
  const lines = [
    row(["dataset", "seed", "metric", "studio", ...PEERS.map((p) => PEER_LABELS[p]), "studio - XGB+TPE [95% bootstrap]", "studio s", "studio best family", "studio candidates (done/all)"]),
    row(["---", "---:", "---", "---:", ...PEERS.map(() => "---:"), "---:", "---:", "---", "---:"]),
  ];
  for (const c of cells) {
    const candidates = c.studio.candidates ? `${c.studio.candidates.done}/${c.studio.candidates.all}` : "-";
    const gap = c.gap ? formatGap(c.gap) : "-";
    lines.push(row([c.dataset, String(c.seed), c.metric, num(c.studio.metric), ...PEERS.map((p) => num(c.peers[p].metric)), gap, num(c.studio.trainSeconds, 1), c.studio.family ?? "-", candidates]));
  }
  return lines.join("\n");
}

/** every cell that failed somewhere, one line each, after the tables */
export function formatErrors(cells: readonly Cell[]): string[] {
  const lines: string[] = [];
  for (const c of cells) {
    if (c.studio.error) lines.push(`${c.dataset} seed ${c.seed} studio: ${c.studio.error}`);
    for (const p of PEERS) if (c.peers[p].error) lines.push(`${c.dataset} seed ${c.seed} ${PEER_LABELS[p]}: ${c.peers[p].error}`);
    if (c.gapError) lines.push(`${c.dataset} seed ${c.seed} paired bootstrap: ${c.gapError}`);
  }
  return lines;
}

export function formatMedians(summaries: readonly DatasetSummary[]): string {
  const lines = [
    row(["dataset", "metric", "studio", ...PEERS.map((p) => PEER_LABELS[p]), "studio - XGB+TPE", "seeds clearly behind / ahead", "studio s", "best families", "at least as good as XGBoost+TPE"]),
    row(["---", "---", "---:", ...PEERS.map(() => "---:"), "---:", "---:", "---:", "---", "---"]),
  ];
  for (const s of summaries) {
    // a median over fewer seeds than the run had says so
    const m = (x: Median) => `${num(x.value)}${x.n < s.seeds && x.value !== null ? ` (${x.n}/${s.seeds})` : ""}`;
    const xgb = s.peers["xgb-tpe"].value;
    const gap = s.studio.value !== null && xgb !== null ? signed(s.studio.value - xgb) : "-";
    const verdict = s.atLeastAsGood === null ? "- (not every seed scored)" : s.atLeastAsGood ? "yes" : "no";
    lines.push(row([s.dataset, s.metric, m(s.studio), ...PEERS.map((p) => m(s.peers[p])), gap, `${s.clearly.behind} / ${s.clearly.ahead}`, num(s.studioSeconds, 1), s.families.map((f) => f ?? "-").join(", "), verdict]));
  }
  return lines.join("\n");
}

/** the goal: a median at least as good as XGBoost+TPE's on every dataset of datasets.tsv */
export function goalLine(summaries: readonly DatasetSummary[], allDatasets: number): string {
  const yes = summaries.filter((s) => s.atLeastAsGood === true).length;
  const no = summaries.filter((s) => s.atLeastAsGood === false).length;
  const verdict = no > 0 ? "FAIL" : yes === allDatasets ? "PASS" : `not judged (${yes} of ${allDatasets} datasets measured in full)`;
  return `studio median at least as good as XGBoost+TPE's on ${yes} of ${summaries.length} datasets run (goal: all ${allDatasets}): ${verdict}`;
}
