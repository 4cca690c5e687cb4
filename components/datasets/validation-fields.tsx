"use client";

import type { ColumnProfile, ColumnType } from "@/server/contracts/dataset";
import type { ValidationMode } from "@/server/contracts/run";

/** The validation choices of a new run; "" means none. */
export interface ValidationChoice {
  validation: ValidationMode;
  groupColumn: string;
  timeColumn: string;
}

export const defaultValidationChoice: ValidationChoice = { validation: "auto", groupColumn: "", timeColumn: "" };

const MODES: { value: ValidationMode; label: string }[] = [
  { value: "auto", label: "Auto: 5-fold cross-validation below 5,000 rows or where the time budget affords it, else holdout" },
  { value: "holdout", label: "Holdout validation split" },
  { value: "cv", label: "5-fold cross-validation" },
];

/**
 * How candidates are validated: holdout or k-fold (auto decides by size), optionally keeping groups together or
 * splitting in time order. The test split is held out in every case and never seen by the search.
 */
export function ValidationFields({
  columns,
  label,
  columnTypes,
  value,
  onChange,
}: {
  columns: ColumnProfile[];
  label: string;
  columnTypes: Record<string, ColumnType>;
  value: ValidationChoice;
  onChange(value: ValidationChoice): void;
}) {
  const others = columns.filter((c) => c.name !== label);
  const typeOf = (c: ColumnProfile) => columnTypes[c.name] ?? c.type;
  const timeColumns = others.filter((c) => typeOf(c) === "datetime" || typeOf(c) === "numeric");
  return (
    <>
      <label className="field">
        <span>Validation</span>
        <select
          value={value.validation}
          data-testid="validation-select"
          onChange={(e) => onChange({ ...value, validation: e.target.value as ValidationMode })}
        >
          {MODES.filter((m) => !(value.timeColumn && m.value === "cv")).map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Group column (rows kept together)</span>
        <select
          value={value.groupColumn}
          data-testid="group-column-select"
          onChange={(e) => onChange({ ...value, groupColumn: e.target.value, timeColumn: e.target.value ? "" : value.timeColumn })}
        >
          <option value="">none</option>
          {others.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Time column (test on the latest rows)</span>
        <select
          value={value.timeColumn}
          data-testid="time-column-select"
          onChange={(e) =>
            onChange({
              validation: e.target.value && value.validation === "cv" ? "holdout" : value.validation,
              groupColumn: e.target.value ? "" : value.groupColumn,
              timeColumn: e.target.value,
            })
          }
        >
          <option value="">none (random split)</option>
          {timeColumns.map((c) => (
            <option key={c.name} value={c.name}>
              {c.name}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
