import type { ColumnProfile } from "@/server/contracts/dataset";

/** A tiny inline-SVG histogram (numeric columns) or top-values bars (the others). */
export function MiniDistribution({ column }: { column: ColumnProfile }) {
  if (column.histogram && column.histogram.counts.length > 0) {
    const { counts, edges } = column.histogram;
    const max = Math.max(...counts, 1);
    const w = 120;
    const h = 28;
    const bw = w / counts.length;
    return (
      <svg width={w} height={h} className="spark" role="img" aria-label={`histogram from ${edges[0]} to ${edges[edges.length - 1]}`}>
        {counts.map((c, i) => {
          const bh = Math.max(c > 0 ? 1 : 0, (c / max) * h);
          return (
            <rect key={i} x={i * bw + 0.5} y={h - bh} width={Math.max(1, bw - 1)} height={bh}>
              <title>{`${fmt(edges[i])} – ${fmt(edges[i + 1])}: ${c}`}</title>
            </rect>
          );
        })}
      </svg>
    );
  }
  if (column.topValues && column.topValues.length > 0) {
    const top = column.topValues.slice(0, 3);
    const max = Math.max(...top.map((t) => t.count), 1);
    return (
      <div className="top-values">
        {top.map((t) => (
          <div key={t.value} className="top-value" title={`${t.value}: ${t.count}`}>
            <span className="top-value-track">
              <span className="top-value-bar" style={{ width: `${Math.max(4, (t.count / max) * 100)}%` }} />
            </span>
            <span className="top-value-label">{t.value === "" ? "(empty)" : t.value}</span>
            <span className="muted">{t.count}</span>
          </div>
        ))}
      </div>
    );
  }
  return <span className="muted">—</span>;
}

const fmt = (v: number | undefined) => (v === undefined ? "" : Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v * 100) / 100) : v.toPrecision(3));
