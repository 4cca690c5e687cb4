/** Reading the CLI's options: required values and numbers, with messages that say what to pass. */
import type { RunConstraints } from "../contracts/run";

export type Options = Record<string, string | undefined>;

export function required(values: Options, name: string): string {
  const v = values[name];
  if (!v) throw new Error(`--${name} is required`);
  return v;
}

export function optionalNumber(values: Options, name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

const MB = 1024 * 1024;

/** the serving constraints of --max-archive-mb, --max-latency-ms (per 1,000 rows) and --max-train-seconds; undefined: none */
export function constraintOptions(values: Options): RunConstraints | undefined {
  const megabytes = optionalNumber(values, "max-archive-mb");
  const constraints: RunConstraints = {
    maxArchiveBytes: megabytes === undefined ? undefined : megabytes * MB,
    maxPredictMsPer1k: optionalNumber(values, "max-latency-ms"),
    maxTrainSeconds: optionalNumber(values, "max-train-seconds"),
  };
  return Object.values(constraints).some((v) => v !== undefined) ? constraints : undefined;
}
