/** The command line of `npm run bench:nas`, parsed and validated with clear errors. */
import { parseArgs } from "node:util";
import { z } from "zod";
import { CONFIG_NAMES, DATASET_NAMES, REFERENCE } from "./setup";

export const USAGE = "npm run bench:nas [-- --datasets credit-g,telco-churn,shuttle --configs full,low,curve,inherit,hyperband --trials 20 --seed 0]";

/** a comma-separated list of known names, without repeats, in the order given */
function nameList<T extends string>(flag: string, known: readonly T[]) {
  return z.string().transform((text, ctx) => {
    const names = text.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) {
      const problem = unknown.length > 0 ? `unknown ${unknown.join(", ")}` : "no names given";
      ctx.addIssue({ code: "custom", message: `${flag}: ${problem}; known: ${known.join(", ")}` });
      return z.NEVER;
    }
    return [...new Set(names)] as T[];
  });
}

/** a whole number written in digits: Number() alone would take "", "1e3" and "0x10" */
function wholeNumber(flag: string, min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `${flag} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${flag} must be at least ${min}`).max(max, `${flag} must be at most ${max}`));
}

const Options = z.object({
  datasets: nameList("--datasets", DATASET_NAMES),
  // the reference first, whether or not it was asked for: the others are judged against it
  configs: nameList("--configs", CONFIG_NAMES).transform((names) => [REFERENCE, ...names.filter((n) => n !== REFERENCE)]),
  // the same bounds as a run's own (CreateRunInput)
  trials: wholeNumber("--trials", 1, 100_000),
  seed: wholeNumber("--seed", 0, 2 ** 31 - 1),
});

export type BenchOptions = z.output<typeof Options>;

/** throws an Error whose message says what is wrong with the arguments */
export function parseOptions(args: string[]): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      datasets: { type: "string", default: DATASET_NAMES.join(",") },
      configs: { type: "string", default: CONFIG_NAMES.join(",") },
      trials: { type: "string", default: "20" },
      seed: { type: "string", default: "0" },
    },
  });
  const parsed = Options.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join("; "));
  return parsed.data;
}
