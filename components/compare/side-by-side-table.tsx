import type { ComparedCandidateDto, CompareRowDto } from "@/server/contracts/compare";
import { CandidateHeaders } from "./candidate-headers";

type Value = CompareRowDto["values"][number];

/** a value that is not the same for every candidate (the global stylesheet has no such class yet) */

/**
 * A row per name, a column per candidate; the cells of a row whose values are not all the same are marked
 * (class and data-differs), so what changed between candidates stands out.
 */
export function SideBySideTable({ rows, candidates, first, testId, format = plain }: { rows: CompareRowDto[]; candidates: ComparedCandidateDto[]; first: string; testId: string; format?: (v: Value) => string }) {
  if (rows.length === 0) return <p className="muted">None recorded.</p>;
  const differing = rows.filter((r) => r.differs).length;
  return (
    <div className="table-wrap" data-testid={testId}>
      <p className="muted small">
        {differing} of {rows.length} differ (highlighted).
      </p>
      <table className="table">
        <CandidateHeaders candidates={candidates} first={first} />
        <tbody>
          {rows.map((r) => (
            <tr key={r.name} data-testid={`${testId}-row`} data-name={r.name} data-differs={r.differs}>
              <th scope="row" className="mono">
                {r.name}
              </th>
              {r.values.map((v, i) => (
                <td key={candidates[i].trial.id} className={r.differs ? "mono differs" : "mono"} data-differs={r.differs}>
                  {format(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function plain(v: Value): string {
  if (v === null) return "—";
  if (typeof v === "number" && !Number.isInteger(v)) return Math.abs(v) < 0.01 ? v.toExponential(2) : String(Number(v.toPrecision(6)));
  return String(v);
}

export const keptOrDropped = (v: Value): string => (v === null ? "—" : v ? "kept" : "dropped");
