/**
 * The benchmark protocol's datasets and scripts (shared/bench, see its README.md): datasets.tsv names each dataset's
 * CSV, label and task; split.py, score.py and peers.py run with Debian's /usr/bin/python3.
 */
import fs from "node:fs";
import path from "node:path";

export const BENCH_DIR = path.resolve(import.meta.dirname, "../../../shared/bench");
export const DATASETS_TSV = path.join(BENCH_DIR, "datasets.tsv");
export const PYTHON = "/usr/bin/python3";
export const script = (name: "split.py" | "score.py" | "peers.py") => path.join(BENCH_DIR, name);

export const TASKS = ["binary", "multiclass", "regression"] as const;
export type Task = (typeof TASKS)[number];

export interface BenchDataset {
  name: string;
  /** relative to shared/ (the bench folder's parent) */
  path: string;
  label: string;
  task: Task;
  /** the row of datasets.tsv, to write a datasets.tsv of the chosen datasets alone */
  line: string;
}

/** The datasets of shared/bench/datasets.tsv, in its order. */
export function readDatasets(tsv = DATASETS_TSV): BenchDataset[] {
  const lines = fs.readFileSync(tsv, "utf8").split("\n").filter((l) => l.trim() !== "");
  return lines.slice(1).map((line) => {
    const [name, file, label, task] = line.split("\t");
    if (!(TASKS as readonly string[]).includes(task)) throw new Error(`${tsv}: ${name} has task "${task}", not one of ${TASKS.join(", ")}`);
    return { name, path: file, label, task: task as Task, line };
  });
}

/** the header of datasets.tsv and the chosen rows: split.py and peers.py read it through DATASETS_TSV */
export function datasetsTsv(datasets: readonly BenchDataset[], tsv = DATASETS_TSV): string {
  const header = fs.readFileSync(tsv, "utf8").split("\n")[0];
  return [header, ...datasets.map((d) => d.line)].join("\n") + "\n";
}

/** The test metric the bench compares, per task; every one of them is scored by score.py. */
export const METRIC = { binary: "auc", multiclass: "logloss", regression: "rmse" } as const satisfies Record<Task, string>;
export type BenchMetric = (typeof METRIC)[Task];
export const HIGHER_IS_BETTER: Record<BenchMetric, boolean> = { auc: true, logloss: false, rmse: false };
