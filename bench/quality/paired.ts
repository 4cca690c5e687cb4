/**
 * How sure a cell's gap is: paired.py bootstraps the test rows (2,000 resamples, within each class for classification)
 * and scores the studio's and XGBoost+TPE's predictions of the same resampled rows. A few hundred test rows leave an
 * AUC uncertain by a few hundredths, so a median that misses by less than that is not yet a measured loss.
 */
import path from "node:path";
import { z } from "zod";
import { PYTHON, type BenchDataset } from "./datasets";
import { execute, failure } from "./exec";

const SCRIPT = path.join(import.meta.dirname, "paired.py");

/** the studio's test metric minus XGBoost+TPE's, with the 95% interval of the bootstrapped differences */
export const PairedGap = z.object({
  diff: z.number(),
  lo: z.number(),
  hi: z.number(),
  /** the share of resamples on which the studio is at least as good */
  shareAtLeastAsGood: z.number(),
});
export type PairedGap = z.infer<typeof PairedGap>;

export async function pairedGap(dataset: BenchDataset, test: string, studio: string, peer: string): Promise<PairedGap | { error: string }> {
  const f = await execute(PYTHON, [SCRIPT, test, dataset.label, dataset.task, studio, peer], { timeoutS: 600 });
  if (f.code !== 0) return { error: failure("paired.py", f) };
  let parsed;
  try {
    parsed = PairedGap.safeParse(JSON.parse(f.stdout.trim().split("\n").pop()!));
  } catch {
    parsed = null;
  }
  return parsed?.success ? parsed.data : { error: `paired.py printed no gap: ${f.stdout.trim().slice(-300)}` };
}
