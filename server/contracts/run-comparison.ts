import { z } from "zod";
import { RunDto, type RunDto as RunDtoType } from "./run";

/** Runs of one dataset side by side (GET /api/runs/compare?runs=id1,id2,...): their settings, best candidates and search progress. */

export const MIN_COMPARED_RUNS = 2;
export const MAX_COMPARED_RUNS = 10;

/** the `runs` query parameter: comma-separated run ids, each once */
export const CompareRunsQuery = z
  .string({ error: "Say which runs to compare: ?runs=id1,id2 (2 to 10 run ids, comma-separated)." })
  .transform((s) => [...new Set(s.split(",").map((id) => id.trim()).filter(Boolean))])
  .pipe(
    z
      .array(z.string())
      .min(MIN_COMPARED_RUNS, `Choose at least ${MIN_COMPARED_RUNS} different runs to compare (?runs=id1,id2).`)
      .max(MAX_COMPARED_RUNS, `Compare at most ${MAX_COMPARED_RUNS} runs at a time; leave some out.`),
  );

/** one setting of every compared run, as shown; differs: not all runs have the same value */
export const SettingRowDto = z.object({ key: z.string(), label: z.string(), values: z.array(z.string()), differs: z.boolean() });
export type SettingRowDto = z.infer<typeof SettingRowDto>;

/** one of a run's best candidates */
export const CompareCandidateDto = z.object({
  trialId: z.string(),
  number: z.number().int(),
  family: z.string(),
  valScore: z.number(),
  testScore: z.number().nullable(),
});
export type CompareCandidateDto = z.infer<typeof CompareCandidateDto>;

/** the best validation score so far (in the run's metric direction) when a candidate finished, seconds after the run started */
export const ProgressPointDto = z.object({ seconds: z.number(), best: z.number(), trialNumber: z.number().int() });
export type ProgressPointDto = z.infer<typeof ProgressPointDto>;

export const ComparedRunDto = z.object({
  run: RunDto,
  /** its best feasible scored candidates, best first (at most 3) */
  best: z.array(CompareCandidateDto),
  /** one point per feasible scored candidate, in the order they finished: monotone, ending at the run's best score */
  progress: z.array(ProgressPointDto),
});
export type ComparedRunDto = z.infer<typeof ComparedRunDto>;

export const RunComparisonDto = z.object({
  datasetId: z.string(),
  datasetName: z.string().nullable(),
  runs: z.array(ComparedRunDto),
  settings: z.array(SettingRowDto),
});
export type RunComparisonDto = z.infer<typeof RunComparisonDto>;

/** the new-run form's megabytes (binary, as the studio shows sizes) */
export const MB = 1024 * 1024;
const megabytes = (bytes: number) => `${+(bytes / MB).toFixed(3)} MB`;
const orNone = (v: string | number | null, none: string) => (v === null ? none : String(v));

/** the settings a run was started with, in words, in a fixed order: one source for the runs list and the comparison */
export const RUN_SETTINGS: { key: string; label: string; value(run: RunDtoType): string }[] = [
  { key: "label", label: "Label", value: (r) => r.label },
  { key: "problemType", label: "Problem type", value: (r) => r.problemType },
  { key: "metric", label: "Metric", value: (r) => r.metric },
  { key: "strategy", label: "Strategy", value: (r) => r.strategy },
  { key: "scheduler", label: "Scheduler", value: (r) => r.scheduler },
  { key: "families", label: "Families", value: (r) => r.families.join(", ") },
  { key: "estimation", label: "Estimation", value: (r) => r.estimation },
  { key: "validation", label: "Validation", value: (r) => r.validation },
  { key: "finalModel", label: "Final model (cross-validated)", value: (r) => r.finalModel },
  { key: "groupColumn", label: "Group column", value: (r) => orNone(r.groupColumn, "none") },
  { key: "timeColumn", label: "Time column", value: (r) => orNone(r.timeColumn, "none") },
  { key: "testFraction", label: "Test split", value: (r) => `${+(r.testFraction * 100).toFixed(1)}%` },
  {
    key: "columnTypes",
    label: "Column types",
    value: (r) =>
      r.columnTypes && Object.keys(r.columnTypes).length > 0
        ? Object.entries(r.columnTypes)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, type]) => `${name} → ${type}`)
            .join(", ")
        : "as inferred",
  },
  { key: "seed", label: "Seed", value: (r) => String(r.seed) },
  { key: "budget", label: "Time budget", value: (r) => (r.budgetSeconds === null ? "no limit" : `${+(r.budgetSeconds / 60).toFixed(2)} min`) },
  { key: "maxTrials", label: "Max trials", value: (r) => orNone(r.maxTrials, "no limit") },
  { key: "maxArchiveBytes", label: "Max archive size", value: (r) => (r.constraints.maxArchiveBytes === null ? "no limit" : megabytes(r.constraints.maxArchiveBytes)) },
  { key: "maxPredictMsPer1k", label: "Max latency (ms / 1,000 rows)", value: (r) => orNone(r.constraints.maxPredictMsPer1k, "no limit") },
  { key: "maxTrainSeconds", label: "Max training seconds per candidate", value: (r) => orNone(r.constraints.maxTrainSeconds, "no limit") },
];

/** each setting of the runs, with whether it differs between them */
export function settingRows(runs: readonly RunDtoType[]): SettingRowDto[] {
  return RUN_SETTINGS.map(({ key, label, value }) => {
    const values = runs.map(value);
    return { key, label, values, differs: new Set(values).size > 1 };
  });
}
