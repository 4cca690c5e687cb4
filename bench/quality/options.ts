/** The command line of `npm run bench:quality`, parsed and validated with clear errors. */
import { parseArgs } from "node:util";
import { z } from "zod";
import type { BenchDataset } from "./datasets";

export const USAGE = "npm run bench:quality [-- --datasets credit-g,cars --seeds 0,1,2 --budget-s 60 --out DIR]";

export interface BenchOptions {
  datasets: BenchDataset[];
  seeds: number[];
  budgetS: number;
  /** null: a fresh folder under the system's temp dir */
  out: string | null;
}

/** a comma-separated list without repeats, in the order given */
function list(flag: string, text: string): string[] {
  const items = [...new Set(text.split(",").map((s) => s.trim()).filter(Boolean))];
  if (items.length === 0) throw new Error(`${flag}: no values given`);
  return items;
}

/** a whole number written in digits: Number() alone would take "", "1e3" and "0x10" */
const wholeNumber = (flag: string, min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, `${flag} takes whole numbers`)
    .transform(Number)
    .pipe(z.number().min(min, `${flag} must be at least ${min}`).max(max, `${flag} must be at most ${max}`));

// split.py's seed is scikit-learn's random_state (below 2^32); the studio's seed, the same number, is below 2^31
const Seed = wholeNumber("--seeds", 0, 2 ** 31 - 1);
// the studio takes budgets in whole seconds (rounded); peers.py prints the budget as a whole number in its peer's name
const Budget = wholeNumber("--budget-s", 1, 24 * 3600);

/** throws an Error whose message says what is wrong with the arguments */
export function parseOptions(args: string[], known: readonly BenchDataset[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      datasets: { type: "string", default: known.map((d) => d.name).join(",") },
      seeds: { type: "string", default: "0,1,2" },
      "budget-s": { type: "string", default: "60" },
      out: { type: "string" },
    },
  });
  const names = list("--datasets", values.datasets);
  const unknown = names.filter((n) => !known.some((d) => d.name === n));
  if (unknown.length > 0) throw new Error(`--datasets: unknown ${unknown.join(", ")}; known: ${known.map((d) => d.name).join(", ")}`);
  const seeds = list("--seeds", values.seeds).map((s) => parse(Seed, s));
  return { datasets: names.map((n) => known.find((d) => d.name === n)!), seeds, budgetS: parse(Budget, values["budget-s"]), out: values.out ?? null };
}

function parse<T>(schema: z.ZodType<T, string>, text: string): T {
  const parsed = schema.safeParse(text);
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => i.message).join("; ")} (got "${text}")`);
  return parsed.data;
}
