import Link from "next/link";
import type { ComparedCandidateDto } from "@/server/contracts/compare";
import { candidatePageUrl } from "../ui/page-urls";

/** the header row of a side-by-side table: what the rows are, then one column per candidate (linked to its run) */
export function CandidateHeaders({ candidates, first }: { candidates: ComparedCandidateDto[]; first: string }) {
  return (
    <thead>
      <tr>
        <th scope="col">{first}</th>
        {candidates.map((c) => (
          <th key={c.trial.id} scope="col" data-testid="compare-candidate-header">
            <Link href={candidatePageUrl(c.trial.runId, c.trial.id)}>{c.title}</Link>
          </th>
        ))}
      </tr>
    </thead>
  );
}
