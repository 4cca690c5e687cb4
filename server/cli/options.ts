/** Reading the CLI's options: required values and numbers, with messages that say what to pass. */
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
