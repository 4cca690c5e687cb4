"use client";

/** Horizontal bars: each hyperparameter's share of the importance, most important first. */
export function ParamImportance({ params }: { params: { name: string; importance: number }[] }) {
  const top = Math.max(...params.map((p) => p.importance), 1e-9);
  return (
    <ul className="importance" data-testid="param-importance">
      {params.map((p) => (
        <li key={p.name} className="importance-row" data-testid="importance-bar" data-param={p.name}>
          <span className="importance-name mono" title={p.name}>
            {p.name}
          </span>
          <span className="importance-track">
            {/* scaled to the largest, so small differences among the top ones stay visible */}
            <span className="importance-bar" style={{ width: `${(100 * p.importance) / top}%` }} />
          </span>
          <span className="importance-value">{(100 * p.importance).toFixed(1)}%</span>
        </li>
      ))}
    </ul>
  );
}
