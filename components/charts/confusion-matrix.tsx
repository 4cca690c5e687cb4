"use client";

/**
 * Counts of validation rows by true class (rows) and predicted class (columns), each cell shaded by its share of its
 * row (the class's recall on the diagonal). A table, so it reads without colour too; each cell also says its share.
 */
export function ConfusionMatrix({ labels, counts }: { labels: string[]; counts: number[][] }) {
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = counts.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="confusion-matrix" style={{ width: "auto" }}>
        <caption className="muted small" style={{ captionSide: "bottom", textAlign: "left", paddingTop: 4 }}>
          Rows: the true class; columns: the predicted class (the most probable one). Shading and percentages: share of the true class&apos;s rows.{" "}
          {total > 0 ? `${correct} of ${total} rows (${((100 * correct) / total).toFixed(1)}%) on the diagonal.` : ""}
        </caption>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {labels.map((l) => (
              <th key={l} scope="col" className="num mono">
                {l}
              </th>
            ))}
            <th scope="col" className="num">
              rows
            </th>
          </tr>
        </thead>
        <tbody>
          {counts.map((row, t) => (
            <tr key={labels[t] ?? t} data-testid="confusion-row">
              <th scope="row" className="mono">
                {labels[t]}
              </th>
              {row.map((c, p) => {
                const share = rowTotals[t] > 0 ? c / rowTotals[t] : 0;
                return (
                  <td
                    key={p}
                    className="num"
                    title={`true ${labels[t]}, predicted ${labels[p]}: ${c} rows`}
                    style={{ background: `rgba(${t === p ? "37, 99, 235" : "220, 38, 38"}, ${(c === 0 ? 0 : 0.08 + 0.6 * share).toFixed(3)})`, fontWeight: t === p ? 600 : 400 }}
                  >
                    {c} <span className="muted small">({(100 * share).toFixed(0)}%)</span>
                  </td>
                );
              })}
              <td className="num muted">{rowTotals[t]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
