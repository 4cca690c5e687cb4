/**
 * The data of `npm run bench:gbdt`: the protocol's deterministic 80/20 split (shared/bench/split.py) of shuttle and
 * diamonds, encoded once here as numeric matrices, and written to one float32 file per dataset for the XGBoost peer,
 * so that both learners see the same numbers and the comparison is about the learner only.
 */
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import Papa from "papaparse";
import type { Matrix, Task } from "../../server/models/family";

const SHARED = path.resolve(import.meta.dirname, "../../../shared");

/** Ordinal codes in a fixed order: diamonds' grades as ggplot2's ordered factors list their levels. */
const ORDINALS: Record<string, Record<string, readonly string[]>> = {
  diamonds: {
    cut: ["Fair", "Good", "Very Good", "Premium", "Ideal"],
    color: ["D", "E", "F", "G", "H", "I", "J"],
    clarity: ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
  },
};

export const DATASETS = {
  shuttle: { label: "Class", task: "multiclass" },
  diamonds: { label: "price", task: "regression" },
} as const;
export type DatasetName = keyof typeof DATASETS;
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

export interface BenchData {
  name: DatasetName;
  task: Task;
  features: string[];
  xTrain: Matrix;
  yTrain: Float32Array;
  xTest: Matrix;
  yTest: Float32Array;
  /** the float32 file the peer reads: xTrain, yTrain, xTest, yTest end to end */
  file: string;
}

/** Runs split.py for `names` only (through a datasets.tsv of their rows) into outDir/<name>/{train,test}.csv. */
export async function splitDatasets(names: DatasetName[], outDir: string): Promise<void> {
  await fs.mkdir(outDir, { recursive: true });
  const tsvPath = path.join(SHARED, "bench/datasets.tsv");
  const lines = (await fs.readFile(tsvPath, "utf8")).split("\n").filter((l) => l.trim() !== "");
  const kept = lines.filter((l, i) => i === 0 || names.includes(l.split("\t")[0] as DatasetName));
  const tsv = path.join(outDir, "datasets.tsv");
  await fs.writeFile(tsv, kept.join("\n") + "\n");
  const args = [path.join(SHARED, "bench/split.py"), outDir];
  const child = spawn("/usr/bin/python3", args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DATASETS_TSV: tsv } });
  const code: number = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`/usr/bin/python3 ${args.join(" ")} exited with ${code} (needs python3-pandas and python3-sklearn)`);
}

/** Reads a split dataset, encodes it and writes the peer's file beside it. */
export async function loadDataset(name: DatasetName, splitDir: string): Promise<BenchData> {
  const { label, task: type } = DATASETS[name];
  const train = await readCsv(path.join(splitDir, name, "train.csv"));
  const test = await readCsv(path.join(splitDir, name, "test.csv"));
  const features = train.fields.filter((f) => f !== label);
  const classes = type === "regression" ? [] : [...new Set(train.rows.map((r) => r[label]))].sort();
  const encodeLabel = (v: string): number => {
    if (type === "regression") return number(v, label);
    const code = classes.indexOf(v);
    if (code < 0) throw new Error(`${name}: class "${v}" is not among the training classes`);
    return code;
  };
  const encode = (rows: Record<string, string>[]): { x: Matrix; y: Float32Array } => {
    const x = new Float32Array(rows.length * features.length);
    const y = new Float32Array(rows.length);
    rows.forEach((row, r) => {
      features.forEach((f, j) => {
        const levels = ORDINALS[name]?.[f];
        const v = row[f];
        if (!levels) x[r * features.length + j] = v === "" || v === undefined ? NaN : number(v, f);
        else {
          const code = levels.indexOf(v);
          if (code < 0) throw new Error(`${name}: ${f} "${v}" is not one of ${levels.join(", ")}`);
          x[r * features.length + j] = code;
        }
      });
      y[r] = encodeLabel(row[label]);
    });
    return { x: { rows: rows.length, cols: features.length, data: x }, y };
  };
  const tr = encode(train.rows);
  const te = encode(test.rows);
  const file = path.join(splitDir, name, "data.bin");
  const out = new Float32Array(tr.x.data.length + tr.y.length + te.x.data.length + te.y.length);
  let o = 0;
  for (const part of [tr.x.data, tr.y, te.x.data, te.y]) {
    out.set(part, o);
    o += part.length;
  }
  await fs.writeFile(file, new Uint8Array(out.buffer));
  return { name, task: { type, classes }, features, xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y, file };
}

async function readCsv(file: string): Promise<{ fields: string[]; rows: Record<string, string>[] }> {
  const parsed = Papa.parse<Record<string, string>>(await fs.readFile(file, "utf8"), { header: true, skipEmptyLines: true });
  if (parsed.errors.length > 0) throw new Error(`${file}: ${parsed.errors[0].message} (row ${parsed.errors[0].row})`);
  return { fields: parsed.meta.fields ?? [], rows: parsed.data };
}

function number(v: string, column: string): number {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n)) throw new Error(`${column}: "${v}" is not a number`);
  return n;
}
