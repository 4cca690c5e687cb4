import Link from "next/link";
import type { ComparedRunDto } from "@/server/contracts/run-comparison";
import { formatScore } from "../ui/format";
import { candidatePageUrl } from "../ui/page-urls";
import { runColor } from "./run-colors";

/** Each run's best candidates (within its constraints), best first, with a link to the run page opened on them. */
export function BestCandidates({ runs }: { runs: ComparedRunDto[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="compare-best-candidates">
        <thead>
          <tr>
            <th>Run</th>
            <th>Candidate</th>
            <th>Family</th>
            <th className="num">Validation</th>
            <th className="num">Test</th>
          </tr>
        </thead>
        <tbody>
          {runs.flatMap((r, i) =>
            r.best.length === 0
              ? [
                  <tr key={r.run.id}>
                    <td className="mono" style={{ color: runColor(i) }}>{r.run.id}</td>
                    <td colSpan={4} className="muted">no finished candidate yet</td>
                  </tr>,
                ]
              : r.best.map((c, rank) => (
                  <tr key={c.trialId} data-testid="compare-best-candidate" data-run-id={r.run.id}>
                    <td className="mono" style={{ color: runColor(i) }}>{rank === 0 ? r.run.id : ""}</td>
                    <td>
                      <Link href={candidatePageUrl(r.run.id, c.trialId)}>#{c.number}</Link>
                      {rank === 0 ? <span className="muted small"> best</span> : null}
                    </td>
                    <td>{c.family}</td>
                    <td className="num">{formatScore(c.valScore)}</td>
                    <td className="num">{formatScore(c.testScore)}</td>
                  </tr>
                )),
          )}
        </tbody>
      </table>
    </div>
  );
}
