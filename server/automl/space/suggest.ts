/**
 * Define-by-run search spaces (Optuna's trial.suggest_*): a model family's space is a function that
 * asks for each hyperparameter in turn; the strategy behind `Suggest` decides the value and the trial
 * records it with its distribution. Conditional hyperparameters are simply asked for inside an `if`.
 */
export interface Suggest {
  int(name: string, low: number, high: number, opts?: { step?: number; log?: boolean }): number;
  float(name: string, low: number, high: number, opts?: { log?: boolean; step?: number }): number;
  choice<T extends string | number | boolean>(name: string, choices: readonly T[]): T;
  bool(name: string): boolean;
  fixed<T extends string | number | boolean>(name: string, value: T): T;
}

export type Params = Record<string, string | number | boolean>;
