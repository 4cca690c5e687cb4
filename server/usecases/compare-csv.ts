import type { CompareDto } from "../contracts/compare";
import type { StudioContext } from "../context";
import { toCsv, type Cell } from "../data/csv-write";
import { compareCandidates } from "./compare-candidates";

const cell = (v: string | number | boolean | null | undefined): Cell => (typeof v === "boolean" ? String(v) : (v ?? null));

/**
 * The comparison as CSV: one line per compared quantity (section, name), one column per candidate, so it reads as the
 * page's tables do. Feature names, categories and values come from the user's CSV: toCsv keeps them data.
 */
export async function compareCsv(ctx: StudioContext, query: unknown): Promise<{ fileName: string; csv: string }> {
  const comparison = await compareCandidates(ctx, query);
  return { fileName: `comparison-${comparison.candidates.map((c) => c.trial.number).join("-")}.csv`, csv: comparisonCsv(comparison) };
}

export function comparisonCsv(c: CompareDto): string {
  const each = <T>(f: (candidate: CompareDto["candidates"][number]) => T) => c.candidates.map(f);
  const rows: Cell[][] = [];
  // every line as wide as the header: a value that is the comparison's, not a candidate's, sits in the first column
  const add = (section: string, name: string, values: (string | number | boolean | null | undefined)[]) => rows.push([section, name, ...c.candidates.map((_, i) => cell(values[i]))]);

  add("candidate", "id", each((x) => x.trial.id));
  add("candidate", "run", each((x) => x.trial.runId));
  add("candidate", "family", each((x) => x.trial.family));
  add("candidate", "status", each((x) => x.trial.status));
  for (const m of c.metrics) {
    add("validation", m, each((x) => x.trial.valMetrics?.[m]));
    add("test", m, each((x) => x.trial.testMetrics?.[m]));
  }
  add("validation", `${c.metric} std error`, each((x) => x.trial.valScoreSe));
  add("test", `${c.metric} std error`, each((x) => x.trial.testScoreSe));
  const folds = Math.max(0, ...c.candidates.map((x) => x.folds.scores?.length ?? 0));
  for (let f = 0; f < folds; f++) add("folds", `${c.metric} fold ${f + 1}`, each((x) => x.folds.scores?.[f]));
  add("folds", `${c.metric} std across folds`, each((x) => x.folds.std));
  add("cost", "parameters", each((x) => x.trial.paramCount));
  add("cost", "archive bytes", each((x) => x.trial.archiveBytes));
  add("cost", "train seconds", each((x) => x.trial.durationSeconds));
  add("cost", "predict ms per 1k rows", each((x) => x.trial.predictMsPer1k));
  add("learning curve", "epochs", each((x) => x.curve.length));
  add("learning curve", "final validation loss", each((x) => x.curve.at(-1)?.valLoss));
  for (const p of c.params) add("hyperparameter", p.name, p.values);
  for (const f of c.features) add("feature kept", f.name, f.values.map((kept) => (kept === null ? null : kept ? "kept" : "dropped")));
  const d = c.disagreement;
  if (d) {
    add("disagreement", "rows compared", [d.rows]);
    if (d.differingRows !== null) add("disagreement", "rows where predictions differ", [d.differingRows]);
    if (d.share !== null) add("disagreement", "share of rows that differ", [d.share]);
    if (d.meanAbsDifference !== null) add("disagreement", "mean absolute difference", [d.meanAbsDifference]);
    for (const e of d.examples) {
      // numbered as the page shows them: 1 is the CSV's first data row
      const section = `example: data row ${e.row + 1}`;
      add(section, "prediction", e.predictions);
      add(section, `true ${c.label}`, [e.truth]);
      for (const input of e.inputs) add(section, `input ${input.column}`, [input.value]);
    }
  }
  return toCsv(["section", "name", ...each((x) => x.title)], rows);
}
