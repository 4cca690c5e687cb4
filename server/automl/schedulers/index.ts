/**
 * The scheduler registry: a run names its scheduler ("none", "hyperband", "asha"); "none" trains every trial in
 * full with early stopping and has no instance. Any strategy combines with any scheduler.
 */
import { ZodError } from "zod";
import { createAshaScheduler } from "./asha";
import { createHyperbandScheduler } from "./hyperband";
import type { Scheduler } from "./scheduler";

export type { Decision, ScheduledTrial, Scheduler, SchedulerView } from "./scheduler";

const FACTORIES: Record<string, (options?: unknown) => Scheduler> = {
  hyperband: createHyperbandScheduler,
  asha: createAshaScheduler,
};

/** the scheduler names a run may give, "none" first */
export function schedulerNames(): string[] {
  return ["none", ...Object.keys(FACTORIES).sort()];
}

/** the scheduler of that name, or null for "none"; throws with the available names for an unknown one */
export function createScheduler(name: string, options?: unknown): Scheduler | null {
  if (name === "none") return null;
  const factory = Object.hasOwn(FACTORIES, name) ? FACTORIES[name] : undefined;
  if (!factory) throw new Error(`unknown scheduler ${JSON.stringify(name)}; available: ${schedulerNames().join(", ")}`);
  try {
    return factory(options);
  } catch (err) {
    const detail = err instanceof ZodError ? err.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`).join("; ") : String(err);
    throw new Error(`invalid options for scheduler "${name}": ${detail}`);
  }
}
