"use client";

import { useState } from "react";
import type { ColumnProfile, ColumnType, LabelAssociation } from "@/server/contracts/dataset";
import { formatCount } from "../ui/format";
import { MiniDistribution } from "./mini-histogram";

/** What the table knows about the chosen label: its name and each column's association with it (null: loading). */
export interface LabelColumnInfo {
  label: string;
  associations: LabelAssociation[] | null;
}

const MI_TITLE =
  "Mutual information with the label, divided by the label's entropy: 0 = the column tells nothing about the label, " +
  "1 = it determines the label. Numeric columns (and a numeric label) are cut into quantile bins; bias-corrected.";

const COLUMN_TYPES: ColumnType[] = ["numeric", "categorical", "boolean", "datetime", "text", "identifier"];
/** the types a label can be given by hand (the server checks the same) */
const LABEL_TYPES: ColumnType[] = ["numeric", "categorical", "boolean"];

/** The user's column type overrides (column name → type; only the changed ones) and how to change them. */
export interface ColumnTypeOverrides {
  types: Record<string, ColumnType>;
  /** null: back to the inferred type */
  onChange(column: string, type: ColumnType | null): void;
}

/**
 * Every column with its inferred type (the reason as a tooltip), missing and distinct counts and a distribution;
 * with a label chosen, each column's mutual information with it (sortable: file order or strongest first).
 * With `overrides`, a select per column changes its type for the next run; changed columns are highlighted.
 */
export function ColumnTable({
  columns,
  rowCount,
  label = null,
  overrides = null,
}: {
  columns: ColumnProfile[];
  rowCount: number;
  label?: LabelColumnInfo | null;
  overrides?: ColumnTypeOverrides | null;
}) {
  const [byMi, setByMi] = useState(false);
  const mi = new Map(label?.associations?.map((a) => [a.column, a.mutualInformation]) ?? []);
  const rank = (c: ColumnProfile) => (c.name === label?.label ? 2 : (mi.get(c.name) ?? -1));
  const shown = byMi && label?.associations ? [...columns].sort((a, b) => rank(b) - rank(a)) : columns;
  return (
    <table className="table" data-testid="column-table">
      <thead>
        <tr>
          <th>Column</th>
          <th>Type</th>
          <th className="num">Missing</th>
          <th className="num">Distinct</th>
          <th>Distribution</th>
          {label ? (
            <th title={MI_TITLE} aria-sort={byMi ? "descending" : "none"}>
              <button type="button" className="btn-ghost link-button" style={{ border: 0, padding: 0, font: "inherit" }} data-testid="sort-by-mi" onClick={() => setByMi((v) => !v)}>
                MI with label {byMi ? "↓" : "↕"}
              </button>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {shown.map((c) => {
          const override = overrides?.types[c.name];
          const overridden = override !== undefined && override !== c.type;
          return (
            <tr
              key={c.name}
              data-testid="column-row"
              data-column={c.name}
              data-overridden={overridden ? "true" : undefined}
              style={overridden ? { background: "#fefce8" } : undefined}
            >
              <td className="mono">{c.name}</td>
              <td>
                <span className={`type type-${c.type}`} title={c.reason} data-testid="column-type">
                  {c.type}
                </span>
                {overrides ? (
                  <select
                    className="small"
                    style={{ marginLeft: 6, fontWeight: overridden ? 600 : undefined }}
                    value={overridden ? override : c.type}
                    title={overridden ? `set by hand; inferred ${c.type}: ${c.reason}` : `inferred: ${c.reason}`}
                    aria-label={`Type of ${c.name}`}
                    data-testid="column-type-select"
                    data-column={c.name}
                    onChange={(e) => {
                      const type = e.target.value as ColumnType;
                      overrides.onChange(c.name, type === c.type ? null : type);
                    }}
                  >
                    {COLUMN_TYPES.map((t) => (
                      <option key={t} value={t} disabled={t !== c.type && c.name === label?.label && !LABEL_TYPES.includes(t)}>
                        {t === c.type ? `${t} (inferred)` : t}
                      </option>
                    ))}
                  </select>
                ) : null}
              </td>
              <td className="num">
                {formatCount(c.missing)}
                {c.missing > 0 && rowCount > 0 ? <span className="muted"> ({((c.missing / rowCount) * 100).toFixed(c.missing / rowCount < 0.01 ? 1 : 0)}%)</span> : null}
              </td>
              <td className="num">{formatCount(c.distinct)}</td>
              <td>
                <MiniDistribution column={c} />
              </td>
              {label ? (
                <td data-testid="column-mi" data-mi={mi.get(c.name) ?? ""}>
                  <MiCell isLabel={c.name === label.label} loading={!label.associations} value={mi.get(c.name)} />
                </td>
              ) : null}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function MiCell({ isLabel, loading, value }: { isLabel: boolean; loading: boolean; value: number | null | undefined }) {
  if (isLabel) return <span className="badge">label</span>;
  if (loading) return <span className="muted">…</span>;
  if (value === null || value === undefined) return <span className="muted" title="not a feature (identifier or free text)">—</span>;
  return (
    <span className="top-value" title={`${value.toFixed(3)} of the label's entropy`}>
      <span className="top-value-track">
        <span className="top-value-bar" style={{ width: `${Math.max(value > 0 ? 3 : 0, value * 100)}%`, background: value >= 0.95 ? "#f87171" : undefined }} />
      </span>
      <span className="mono">{value.toFixed(2)}</span>
    </span>
  );
}
