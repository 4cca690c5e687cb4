/**
 * What the search core remembers about a trial: the values it was given, the distributions they were
 * drawn from, and how it ended. Strategies learn from `FinishedTrial`s; stores persist them.
 */
import { z } from "zod";
import { distributionsSchema, paramValueSchema, type Distribution } from "./distributions";
import type { Params } from "./suggest";

/** how a finished trial ended: `complete` has a value; `pruned` may carry its last value; `failed` has none */
export type TrialState = "complete" | "pruned" | "failed";
export const TRIAL_STATES: readonly TrialState[] = ["complete", "pruned", "failed"];

export type Direction = "maximize" | "minimize";

/** A proposal: the values a trial was given and the distribution of each (only the names it asked). */
export interface ProposedTrial {
  number: number;
  params: Params;
  distributions: Record<string, Distribution>;
}

export interface FinishedTrial extends ProposedTrial {
  /** the objective (raw, not sign-flipped: read it with the study's direction); null when failed */
  value: number | null;
  state: TrialState;
  /**
   * the budget a pruned trial's value was measured at (e.g. epochs trained), so that a strategy can rank
   * the lower-fidelity values of trials stopped at different budgets (absent: not known, or complete)
   */
  step?: number;
  /**
   * how far the trial breaks the study's constraints (Optuna's constraints_func, summed): absent or 0 when it meets
   * them, above 0 when it is infeasible; a strategy sees it through `constrainedHistory` (constrained-history.ts)
   */
  violation?: number;
  /**
   * what the trial spent of the study's budget, in its unit (seconds under a wall-clock budget), for a strategy that
   * weighs where the budget goes; absent: one trial is the unit
   */
  cost?: number;
}

export const paramsSchema = z.record(z.string(), paramValueSchema);

export const proposedTrialSchema = z.object({
  number: z.number().int().nonnegative(),
  params: paramsSchema,
  distributions: distributionsSchema,
});

export const finishedTrialSchema = proposedTrialSchema.extend({
  value: z.number().nullable(),
  state: z.enum(["complete", "pruned", "failed"]),
  step: z.number().nonnegative().optional(),
  violation: z.number().nonnegative().optional(),
});

/** What is wrong with a trial's outcome, or null: complete needs a finite value, failed needs null. */
export function outcomeProblem(value: number | null, state: TrialState): string | null {
  if (!TRIAL_STATES.includes(state)) return `unknown state ${JSON.stringify(state)} (expected ${TRIAL_STATES.join(", ")})`;
  if (state === "complete" && (value === null || !Number.isFinite(value))) return `a complete trial needs a finite value, got ${value}`;
  if (state === "failed" && value !== null) return `a failed trial has no value, got ${value}`;
  if (state === "pruned" && value !== null && !Number.isFinite(value)) return `a pruned trial's value must be finite or null, got ${value}`;
  return null;
}

/** The better of two complete values for a direction (ties are not better). */
export function isBetter(direction: Direction, candidate: number, incumbent: number): boolean {
  return direction === "maximize" ? candidate > incumbent : candidate < incumbent;
}
