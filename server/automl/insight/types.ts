/** The plain inputs of the insight computations: a finished trial's number, hyperparameters and objective value. */
export type { ParamValue } from "../space/distributions";
export type { Params } from "../space/suggest";

export interface ScoredTrial {
  number: number;
  params: Record<string, string | number | boolean>;
  /** the objective (validation score), finite */
  value: number;
}

/** "min" when a lower objective is better */
export type Direction = "min" | "max";
