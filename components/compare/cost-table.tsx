import type { ComparedCandidateDto } from "@/server/contracts/compare";
import { formatBytes, formatCount, formatSeconds } from "../ui/format";
import { CandidateHeaders } from "./candidate-headers";

/** model size, training time and measured prediction latency, side by side */
export function CostTable({ candidates }: { candidates: ComparedCandidateDto[] }) {
  const rows: { name: string; value: (c: ComparedCandidateDto) => string }[] = [
    { name: "parameters", value: (c) => formatCount(c.trial.paramCount) },
    { name: "archive size", value: (c) => formatBytes(c.trial.archiveBytes) },
    { name: "training time", value: (c) => formatSeconds(c.trial.durationSeconds) },
    { name: "prediction latency (per 1,000 rows)", value: (c) => (c.trial.predictMsPer1k === null ? "—" : `${c.trial.predictMsPer1k.toFixed(1)} ms`) },
    { name: "epochs (best)", value: (c) => (c.trial.epochs === null ? "—" : `${c.trial.epochs} (${c.trial.bestEpoch ?? "—"})`) },
  ];
  return (
    <div className="table-wrap" data-testid="compare-costs">
      <table className="table">
        <CandidateHeaders candidates={candidates} first="cost" />
        <tbody>
          {rows.map((r) => (
            <tr key={r.name}>
              <th scope="row">{r.name}</th>
              {candidates.map((c) => (
                <td key={c.trial.id} className="num">
                  {r.value(c)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
