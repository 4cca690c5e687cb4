/**
 * The `Suggest` a trial hands to a define-by-run space: each call validates its arguments, asks a
 * `Sampler` for a value, checks the value is inside the distribution and records `{name -> {dist, value}}`.
 * Names are unique per trial: asking a name again with the same distribution returns the recorded value
 * (Optuna's behaviour); with a different distribution it throws. `fixed` values are recorded without
 * asking the sampler.
 */
import {
  boolDistribution,
  choiceDistribution,
  contains,
  describeDistribution,
  fixedDistribution,
  floatDistribution,
  intDistribution,
  sameDistribution,
  type Distribution,
  type ParamValue,
} from "./distributions";
import type { Params, Suggest } from "./suggest";

/** Decides the value of one hyperparameter (a strategy bound to its trial context). */
export type Sampler = (name: string, dist: Distribution) => ParamValue;

export interface RecordedParam {
  dist: Distribution;
  value: ParamValue;
}

export class RecordingSuggest implements Suggest {
  private readonly records = new Map<string, RecordedParam>();

  /** `label` names the sampler in errors, e.g. `strategy "random"` */
  constructor(
    private readonly sampler: Sampler,
    private readonly label = "sampler",
  ) {}

  int(name: string, low: number, high: number, opts: { step?: number; log?: boolean } = {}): number {
    return this.ask(name, () => intDistribution(low, high, opts)) as number;
  }

  float(name: string, low: number, high: number, opts: { log?: boolean; step?: number } = {}): number {
    return this.ask(name, () => floatDistribution(low, high, opts)) as number;
  }

  choice<T extends string | number | boolean>(name: string, choices: readonly T[]): T {
    return this.ask(name, () => choiceDistribution(choices)) as T;
  }

  bool(name: string): boolean {
    return this.ask(name, () => boolDistribution()) as boolean;
  }

  fixed<T extends string | number | boolean>(name: string, value: T): T {
    return this.ask(name, () => fixedDistribution(value), true) as T;
  }

  /** the values asked so far, by name, in asking order */
  get params(): Params {
    return Object.fromEntries([...this.records].map(([name, r]) => [name, r.value]));
  }

  /** the distribution of each name asked so far */
  get distributions(): Record<string, Distribution> {
    return Object.fromEntries([...this.records].map(([name, r]) => [name, r.dist]));
  }

  /** `{name -> {dist, value}}` for every name asked so far */
  recorded(): Record<string, RecordedParam> {
    return Object.fromEntries(this.records);
  }

  private ask(name: string, build: () => Distribution, fixed = false): ParamValue {
    if (typeof name !== "string" || name.length === 0) throw new Error(`hyperparameter names must be non-empty strings, got ${JSON.stringify(name)}`);
    let dist: Distribution;
    try {
      dist = build();
    } catch (err) {
      throw new Error(`hyperparameter "${name}": ${err instanceof Error ? err.message : String(err)}`);
    }
    const previous = this.records.get(name);
    if (previous) {
      if (sameDistribution(previous.dist, dist)) return previous.value;
      throw new Error(
        `hyperparameter "${name}" was already asked in this trial as ${describeDistribution(previous.dist)} ` +
          `and is now asked as ${describeDistribution(dist)}; a name must keep one distribution within a trial`,
      );
    }
    const value = fixed ? (dist as { value: ParamValue }).value : this.sampler(name, dist);
    if (!contains(dist, value)) {
      throw new Error(`${this.label} proposed ${JSON.stringify(value)} for "${name}", which is outside ${describeDistribution(dist)}`);
    }
    this.records.set(name, { dist, value });
    return value;
  }
}

/** A sampler that replays stored values (e.g. to rebuild a stored trial's distributions by running its space again). */
export function replaySampler(params: Params): Sampler {
  return (name, dist) => {
    if (!(name in params)) throw new Error(`replay: the space asks "${name}" (${describeDistribution(dist)}) but the stored params have no such value`);
    return params[name];
  };
}

/**
 * Runs a define-by-run space against stored params and returns what it asked: the recorded params and
 * their distributions. Useful for stores that persist only params (the database) to rebuild a
 * `FinishedTrial`'s distributions. Throws when a value is missing or outside its distribution.
 */
export function replaySpace(defineSpace: (s: Suggest) => unknown, params: Params): { params: Params; distributions: Record<string, Distribution> } {
  const suggest = new RecordingSuggest(replaySampler(params), "stored params");
  defineSpace(suggest);
  return { params: suggest.params, distributions: suggest.distributions };
}
