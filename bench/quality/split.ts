/**
 * The protocol's split for one seed: shared/bench/split.py OUT_DIR SEED writes OUT_DIR/<name>/{train,test}.csv for
 * every dataset of the datasets.tsv it is given (DATASETS_TSV), here only the chosen ones.
 */
import fs from "node:fs";
import path from "node:path";
import { PYTHON, script } from "./datasets";
import { execute, failure } from "./exec";

export const seedDir = (out: string, seed: number) => path.join(out, `seed-${seed}`);

/** the folder of one dataset's split for a seed; the studio's run and every peer's predictions are kept there too */
export const cellDir = (out: string, seed: number, dataset: string) => path.join(seedDir(out, seed), dataset);

/** Splits the datasets listed in `tsv` for `seed`; returns an error message, or null when every split was written. */
export async function splitSeed(out: string, seed: number, tsv: string, names: readonly string[]): Promise<string | null> {
  const dir = seedDir(out, seed);
  const f = await execute(PYTHON, [script("split.py"), dir, String(seed)], {
    env: { ...process.env, DATASETS_TSV: tsv },
    timeoutS: 600,
    logFile: path.join(out, `split-seed-${seed}.log`),
  });
  if (f.code !== 0) return failure(`split.py (seed ${seed})`, f);
  const missing = names.filter((n) => !["train.csv", "test.csv"].every((file) => fs.existsSync(path.join(dir, n, file))));
  return missing.length > 0 ? `split.py (seed ${seed}) wrote no train.csv/test.csv for ${missing.join(", ")}` : null;
}
