import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { PYTHON } from "./datasets";
import { PairedGap } from "./paired";

const run = promisify(execFile);
const SCRIPT = path.join(import.meta.dirname, "paired.py");

/** paired.py on a test set of `n` rows: labels, and two predictions CSVs written by `a` and `b` (row -> CSV line) */
async function gap(task: string, header: string, n: number, label: (i: number) => string, a: (i: number) => string, b: (i: number) => string): Promise<PairedGap> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "paired-"));
  const rows = Array.from({ length: n }, (_, i) => i);
  await fs.writeFile(path.join(dir, "test.csv"), ["x,y", ...rows.map((i) => `${i},${label(i)}`)].join("\n"));
  await fs.writeFile(path.join(dir, "a.csv"), [header, ...rows.map(a)].join("\n"));
  await fs.writeFile(path.join(dir, "b.csv"), [header, ...rows.map(b)].join("\n"));
  const { stdout } = await run(PYTHON, [SCRIPT, path.join(dir, "test.csv"), "y", task, path.join(dir, "a.csv"), path.join(dir, "b.csv"), "300", "1"]);
  await fs.rm(dir, { recursive: true });
  return PairedGap.parse(JSON.parse(stdout));
}

describe("paired.py (the bench's bootstrap of a test-set gap)", () => {
  const label = (i: number) => (i % 3 === 0 ? "yes" : "no");
  const proba = (p: number) => `${p >= 0.5 ? "yes" : "no"},${(1 - p).toFixed(3)},${p.toFixed(3)}`;
  const header = "prediction,proba_no,proba_yes";

  it("finds no gap between the same predictions, on every resample", async () => {
    const same = (i: number) => proba(((i * 37) % 100) / 100);
    expect(await gap("binary", header, 120, label, same, same)).toEqual({ diff: 0, lo: 0, hi: 0, shareAtLeastAsGood: 1 });
  });

  it("puts a perfect ranking's AUC clearly ahead of a noisy one's", async () => {
    const perfect = (i: number) => proba(i % 3 === 0 ? 0.9 : 0.1);
    const noisy = (i: number) => proba(i % 3 === 0 ? 0.6 : ((i * 37) % 100) / 100);
    const g = await gap("binary", header, 120, label, perfect, noisy);
    expect(g.diff).toBeGreaterThan(0.1);
    expect(g.lo).toBeGreaterThan(0);
    expect(g.shareAtLeastAsGood).toBe(1);
  });

  it("takes RMSE's gap as A minus B, so a worse A is positive", async () => {
    const g = await gap("regression", "prediction", 100, (i) => String(i), (i) => String(i + (i % 2 ? 2 : -2)), (i) => String(i + (i % 2 ? 1 : -1)));
    expect(g.diff).toBeCloseTo(1, 10);
    expect(g.lo).toBeCloseTo(1, 10);
    expect(g.shareAtLeastAsGood).toBe(0);
  });
});
