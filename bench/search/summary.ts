/** Regret statistics over seeds and the per-function table of `npm run bench:search`. */

/** One searcher's run on one function and seed, ours or Optuna's. */
export interface RunRecord {
  strategy: string;
  function: string;
  seed: number;
  /** the best value found after evaluation 1, 2, ...; shorter than the budget when the strategy stopped early */
  best: number[];
  seconds: number;
  stopped?: { after: number; reason: string };
}

export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

export interface SummaryRow {
  strategy: string;
  /** per checkpoint; null when the strategy refused the space */
  regret: Record<number, Quartiles> | null;
  secondsPerRun: number;
  /** why it refused the space (stopped before its first evaluation) or stopped early, if it did */
  note?: string;
}

/**
 * The best-so-far regret after `evals` evaluations, or null for a run that never evaluated. A run that
 * stopped early (an exhausted grid) keeps its final best: more trials would only have repeated points.
 */
export function regretAt(run: RunRecord, evals: number, optimum: number): number | null {
  if (run.best.length === 0) return null;
  return run.best[Math.min(evals, run.best.length) - 1] - optimum;
}

/** quartiles with linear interpolation between order statistics (numpy's default) */
export function quartiles(xs: readonly number[]): Quartiles {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = q * (s.length - 1);
    const lo = Math.floor(pos);
    return s[lo] + (pos - lo) * (s[Math.min(lo + 1, s.length - 1)] - s[lo]);
  };
  return { q1: at(0.25), median: at(0.5), q3: at(0.75) };
}

export function summarise(runs: readonly RunRecord[], optimum: number, checkpoints: readonly number[]): SummaryRow {
  const strategy = runs[0].strategy;
  const secondsPerRun = runs.reduce((sum, r) => sum + r.seconds, 0) / runs.length;
  const refused = runs.find((r) => r.best.length === 0);
  if (refused) return { strategy, regret: null, secondsPerRun, note: `refused the space: ${refused.stopped?.reason}` };
  const regret: Record<number, Quartiles> = {};
  for (const c of checkpoints) regret[c] = quartiles(runs.map((r) => regretAt(r, c, optimum)!));
  const stopped = runs.filter((r) => r.stopped);
  const note = stopped.length
    ? `stopped after ${[...new Set(stopped.map((r) => r.stopped!.after))].join("/")} evaluations on ${stopped.length} of ${runs.length} seeds ` +
      `(${stopped[0].stopped!.reason}); later columns keep its best`
    : undefined;
  return { strategy, regret, secondsPerRun, note };
}

/** small regrets in exponent form, so 3e-7 does not print as 0.000 */
export function formatNumber(x: number): string {
  if (x === 0) return "0";
  return Math.abs(x) < 0.01 ? x.toExponential(1) : x.toPrecision(3);
}

/** a Markdown table: rows = searchers, columns = median [q1, q3] regret per checkpoint and seconds per run */
export function formatTable(rows: readonly SummaryRow[], checkpoints: readonly number[]): string {
  const header = ["searcher", ...checkpoints.map((c) => `regret @${c}: median [q1, q3]`), "s/run"];
  const lines = rows.map((row) => {
    const marker = row.note ? " *" : "";
    const cells = checkpoints.map((c) => {
      const q = row.regret?.[c];
      return q ? `${formatNumber(q.median)} [${formatNumber(q.q1)}, ${formatNumber(q.q3)}]` : "refused";
    });
    return [row.strategy + marker, ...cells, row.secondsPerRun.toFixed(3)];
  });
  const table = [header, header.map(() => "---"), ...lines].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
  const notes = rows.filter((r) => r.note).map((r) => `* ${r.strategy}: ${r.note}`);
  // a blank line first, so Markdown ends the table before the notes
  return notes.length ? `${table}\n\n${notes.join("\n")}` : table;
}
