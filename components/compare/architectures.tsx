"use client";

import type { ComparedCandidateDto } from "@/server/contracts/compare";
import { ArchitectureDiagram } from "../charts/architecture-diagram";

/** the searched networks of the NAS candidates, side by side (the diagram carries its own table alternative) */
export function Architectures({ candidates }: { candidates: ComparedCandidateDto[] }) {
  const nas = candidates.filter((c) => c.architecture !== null);
  return (
    <div className="compare-grid" data-testid="compare-architectures" style={{ gridTemplateColumns: `repeat(${nas.length}, minmax(260px, 1fr))` }}>
      {nas.map((c) => (
        <div key={c.trial.id}>
          <h3>{c.title}</h3>
          <ArchitectureDiagram diagram={c.architecture!} />
        </div>
      ))}
    </div>
  );
}
