import type { DatasetWarning, WarningKind } from "@/server/contracts/dataset";

const KIND_LABELS: Record<WarningKind, string> = {
  identifier: "identifier",
  constant: "constant",
  duplicates: "duplicated rows",
  missing: "missing values",
  imbalance: "class imbalance",
  leakage: "leakage suspect",
};

/** leakage can make every score meaningless: shown as an error; the rest as warnings */
const TONE = {
  serious: { background: "#fef2f2", border: "1px solid #fecaca", color: "#991b1b" },
  warning: { background: "#fffbeb", border: "1px solid #fde68a", color: "#78350f" },
} as const;

/**
 * Guardrail warnings, each with the action taken or suggested. Every item carries data-testid={testId}, data-kind and
 * data-column (empty for the whole table).
 */
export function WarningList({ warnings, testId }: { warnings: DatasetWarning[]; testId: string }) {
  return (
    <ul style={{ listStyle: "none", margin: 0, padding: 0, display: "flex", flexDirection: "column", gap: 6 }}>
      {warnings.map((w, i) => (
        <li
          key={`${w.kind}:${w.column ?? ""}:${i}`}
          data-testid={testId}
          data-kind={w.kind}
          data-column={w.column ?? ""}
          style={{ ...(w.kind === "leakage" ? TONE.serious : TONE.warning), borderRadius: 6, padding: "6px 10px", fontSize: 13 }}
        >
          <span className="badge" style={{ background: "rgba(255,255,255,0.7)", color: "inherit", marginRight: 6 }}>
            {KIND_LABELS[w.kind]}
          </span>
          <span data-testid={`${testId}-message`}>{w.message}</span>
          <div className="small" data-testid={`${testId}-action`} style={{ marginTop: 2 }}>
            <span className="strong">Action: </span>
            {w.action}
          </div>
        </li>
      ))}
    </ul>
  );
}
