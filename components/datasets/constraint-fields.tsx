"use client";

import type { RunConstraints, RunConstraintsDto } from "@/server/contracts/run";
import { MB } from "@/server/contracts/run-comparison";

/** The serving constraints as typed ("" = no limit); the archive size in megabytes. */
export interface ConstraintChoice {
  archiveMb: string;
  latencyMs: string;
  trainSeconds: string;
}

export const noConstraints: ConstraintChoice = { archiveMb: "", latencyMs: "", trainSeconds: "" };

const shown = (v: number | null) => (v === null ? "" : String(+v.toFixed(3)));

/** a run's constraints, as the form shows them (to clone it) */
export const constraintChoiceOf = (c: RunConstraintsDto): ConstraintChoice => ({
  archiveMb: shown(c.maxArchiveBytes === null ? null : c.maxArchiveBytes / MB),
  latencyMs: shown(c.maxPredictMsPer1k),
  trainSeconds: shown(c.maxTrainSeconds),
});

/** the create-run body's constraints: only those set, none at all when none is (the server checks the values) */
export function constraintsInput(choice: ConstraintChoice): RunConstraints | undefined {
  const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
  const archiveMb = num(choice.archiveMb);
  const constraints: RunConstraints = {
    maxArchiveBytes: archiveMb === undefined ? undefined : Math.round(archiveMb * MB),
    maxPredictMsPer1k: num(choice.latencyMs),
    maxTrainSeconds: num(choice.trainSeconds),
  };
  const set = Object.fromEntries(Object.entries(constraints).filter(([, v]) => v !== undefined));
  return Object.keys(set).length > 0 ? set : undefined;
}

/** Limits a chosen model must meet to be served: candidates that break one are shown greyed and never picked as best. */
export function ConstraintFields({ value, onChange }: { value: ConstraintChoice; onChange(value: ConstraintChoice): void }) {
  return (
    <fieldset className="form-grid fieldset-box" data-testid="constraint-fields">
      <legend className="small">Serving constraints (optional)</legend>
      <label className="field">
        <span>Max archive size (MB)</span>
        <input type="number" min="0" step="any" placeholder="no limit" value={value.archiveMb} data-testid="constraint-max-archive-mb" onChange={(e) => onChange({ ...value, archiveMb: e.target.value })} />
      </label>
      <label className="field">
        <span>Max prediction latency (ms per 1,000 rows)</span>
        <input type="number" min="0" step="any" placeholder="no limit" value={value.latencyMs} data-testid="constraint-max-latency-ms" onChange={(e) => onChange({ ...value, latencyMs: e.target.value })} />
      </label>
      <label className="field">
        <span>Max training seconds per candidate</span>
        <input type="number" min="0" step="any" placeholder="no limit" value={value.trainSeconds} data-testid="constraint-max-train-seconds" onChange={(e) => onChange({ ...value, trainSeconds: e.target.value })} />
      </label>
    </fieldset>
  );
}
