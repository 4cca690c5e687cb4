"use client";

import type { ColumnProfile, ColumnType } from "@/server/contracts/dataset";
import type { FinalModel, ValidationMode } from "@/server/contracts/run";

/** The validation choices of a new run; "" means none. */
export interface ValidationChoice {
  validation: ValidationMode;
  finalModel: FinalModel;
  groupColumn: string;
  timeColumn: string;
}

export const defaultValidationChoice: ValidationChoice = { validation: "auto", finalModel: "bag", groupColumn: "", timeColumn: "" };

const FINAL_MODELS: { value: FinalModel; label: string }[] = [
  { value: "bag", label: "Bag: the fold models, their predictions averaged (the models that earned the score)" },
  { value: "refit", label: "Refit: one model on all non-test rows (5 times smaller and faster to predict)" },
];

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
      {/* holdout candidates are always refit: the choice is only a cross-validated candidate's */}
      {value.validation !== "holdout" && !value.timeColumn && (
        <label className="field">
          <span>Final model of a cross-validated candidate</span>
          <select value={value.finalModel} data-testid="final-model-select" onChange={(e) => onChange({ ...value, finalModel: e.target.value as FinalModel })}>
            {FINAL_MODELS.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      )}
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
              ...value,
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
