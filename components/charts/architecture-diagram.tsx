"use client";

import type { ArchitectureDiagramDto, ArchitectureNodeDto } from "@/server/contracts/architecture";

const BOX_W = 148;
const BOX_H = 38;
const GAP_X = 20;
const GAP_Y = 30;

interface Placed {
  node: ArchitectureNodeDto;
  x: number;
  y: number;
}

/**
 * Layers the graph top to bottom: a node's row is one below its deepest input, so every edge points down;
 * nodes of a row keep the graph's (topological) order. Skip connections show as edges that jump rows.
 */
function layout(nodes: ArchitectureNodeDto[]): { placed: Map<string, Placed>; width: number; height: number } {
  const depth = new Map<string, number>();
  for (const n of nodes) depth.set(n.id, n.inputs.length === 0 ? 0 : 1 + Math.max(...n.inputs.map((i) => depth.get(i) ?? 0)));
  const rows: ArchitectureNodeDto[][] = [];
  for (const n of nodes) (rows[depth.get(n.id)!] ??= []).push(n);
  const widest = Math.max(...rows.map((r) => r.length));
  const width = widest * BOX_W + (widest - 1) * GAP_X;
  const placed = new Map<string, Placed>();
  rows.forEach((row, r) => {
    const rowWidth = row.length * BOX_W + (row.length - 1) * GAP_X;
    row.forEach((node, i) => placed.set(node.id, { node, x: (width - rowWidth) / 2 + i * (BOX_W + GAP_X), y: r * (BOX_H + GAP_Y) }));
  });
  return { placed, width, height: rows.length * BOX_H + (rows.length - 1) * GAP_Y };
}

/** The candidate's network as boxes and arrows, with the same content as a table for screen readers and copying. */
export function ArchitectureDiagram({ diagram }: { diagram: ArchitectureDiagramDto }) {
  const { placed, width, height } = layout(diagram.nodes);
  const pad = 4;
  return (
    <figure className="architecture" data-testid="architecture-diagram" data-space={diagram.space}>
      <figcaption>
        Architecture ({diagram.space} space), {diagram.parameterCount.toLocaleString("en-US")} parameters
      </figcaption>
      <svg viewBox={`${-pad} ${-pad} ${width + 2 * pad} ${height + 2 * pad}`} width={Math.min(width + 2 * pad, 720)} role="img" aria-label={`network diagram with ${diagram.nodes.length} nodes`}>
        <defs>
          <marker id="arch-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M0,0 L8,4 L0,8 z" className="architecture-arrow" />
          </marker>
        </defs>
        {[...placed.values()].flatMap(({ node, x, y }) =>
          node.inputs.map((from) => {
            const src = placed.get(from)!;
            const x1 = src.x + BOX_W / 2;
            const y1 = src.y + BOX_H;
            const x2 = x + BOX_W / 2;
            const mid = (y1 + y) / 2;
            return <path key={`${from}->${node.id}`} className="architecture-edge" d={`M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y}`} markerEnd="url(#arch-arrow)" />;
          }),
        )}
        {[...placed.values()].map(({ node, x, y }) => (
          <g key={node.id} transform={`translate(${x},${y})`} className={`architecture-node architecture-${node.kind}`} data-testid="arch-node" data-id={node.id}>
            <title>{`${node.id}: ${node.label}${node.detail ? ` (${node.detail})` : ""}`}</title>
            <rect width={BOX_W} height={BOX_H} rx={6} />
            <text x={BOX_W / 2} y={node.detail ? 16 : 23} textAnchor="middle">
              {node.label}
            </text>
            {node.detail && (
              <text x={BOX_W / 2} y={30} textAnchor="middle" className="architecture-detail">
                {node.detail}
              </text>
            )}
          </g>
        ))}
      </svg>
      <details>
        <summary>As a table</summary>
        <table className="architecture-table">
          <thead>
            <tr>
              <th>node</th>
              <th>operation</th>
              <th>details</th>
              <th>reads</th>
            </tr>
          </thead>
          <tbody>
            {diagram.nodes.map((n) => (
              <tr key={n.id}>
                <td className="mono">{n.id}</td>
                <td>{n.label}</td>
                <td>{n.detail}</td>
                <td className="mono">{n.inputs.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
