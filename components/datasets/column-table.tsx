import type { ColumnProfile } from "@/server/contracts/dataset";
import { formatCount } from "../ui/format";
import { MiniDistribution } from "./mini-histogram";

/** Every column with its inferred type (the reason as a tooltip), missing and distinct counts and a distribution. */
export function ColumnTable({ columns, rowCount }: { columns: ColumnProfile[]; rowCount: number }) {
  return (
    <table className="table" data-testid="column-table">
      <thead>
        <tr>
          <th>Column</th>
          <th>Type</th>
          <th className="num">Missing</th>
          <th className="num">Distinct</th>
          <th>Distribution</th>
        </tr>
      </thead>
      <tbody>
        {columns.map((c) => (
          <tr key={c.name} data-testid="column-row" data-column={c.name}>
            <td className="mono">{c.name}</td>
            <td>
              <span className={`type type-${c.type}`} title={c.reason} data-testid="column-type">
                {c.type}
              </span>
            </td>
            <td className="num">
              {formatCount(c.missing)}
              {c.missing > 0 && rowCount > 0 ? <span className="muted"> ({((c.missing / rowCount) * 100).toFixed(c.missing / rowCount < 0.01 ? 1 : 0)}%)</span> : null}
            </td>
            <td className="num">{formatCount(c.distinct)}</td>
            <td>
              <MiniDistribution column={c} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
