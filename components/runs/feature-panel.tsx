"use client";

import type { TrialFeaturesDto } from "@/server/contracts/run";

/** The features a candidate kept (and why the others were dropped), as a table: readable without a chart. */
export function FeaturePanel({ features }: { features: TrialFeaturesDto }) {
  const rows = [...features.features].sort((a, b) => Number(b.kept) - Number(a.kept) || (b.score ?? -Infinity) - (a.score ?? -Infinity));
  return (
    <div data-testid="feature-selection">
      <h3>
        Features: {features.kept} of {features.of} kept <span className="muted small">({features.method.replace(/_/g, " ")})</span>
      </h3>
      {features.notes.map((n) => (
        <p key={n} className="muted small">
          {n}
        </p>
      ))}
      {features.method === "none" ? null : (
        <div className="feature-table">
          <table className="table">
            <thead>
              <tr>
                <th>feature</th>
                <th title={features.scoreLabel}>score</th>
                <th>kept</th>
                <th>why dropped</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((f) => (
                <tr key={f.name} data-testid="feature-row" data-kept={f.kept}>
                  <td className="mono">{f.name}</td>
                  <td className="num">{f.score === null ? "—" : f.score.toFixed(4)}</td>
                  <td>{f.kept ? "yes" : "no"}</td>
                  <td className="muted small">{f.reason ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
