/** The diagram of an architecture for the candidate panel: every node as a labelled box with its inputs. */
import type { ArchitectureDiagramDto, ArchitectureNodeDto } from "../../contracts/architecture";
import { nodeInputs, nodeWidths, parameterCount, type Architecture, type NodeSpec } from "./architecture";

export function toDiagram(arch: Architecture, space: string): ArchitectureDiagramDto {
  const widths = nodeWidths(arch);
  const nodes: ArchitectureNodeDto[] = [{ id: "input", kind: "input", label: `input ${arch.inputs}`, detail: "", width: arch.inputs, inputs: [] }];
  for (const node of arch.nodes) nodes.push({ id: node.id, kind: node.op, label: label(node, widths.get(node.id)!), detail: detail(node), width: widths.get(node.id)!, inputs: nodeInputs(node) });
  nodes.push({ id: "head", kind: "head", label: `${arch.head} ${arch.outputs}`, detail: "", width: arch.outputs, inputs: [arch.output] });
  return { space, nodes, parameterCount: parameterCount(arch) };
}

function label(node: NodeSpec, width: number): string {
  switch (node.op) {
    case "dense":
      return `dense ${node.units} ${node.activation}`;
    case "gated":
      return `gated ${node.units}`;
    default:
      return `${node.op} ${width}`;
  }
}

function detail(node: NodeSpec): string {
  if (node.op !== "dense") return "";
  const parts: string[] = [];
  if (node.batchNorm) parts.push("batch norm");
  if (node.dropout > 0) parts.push(`dropout ${node.dropout.toPrecision(2)}`);
  if (node.l2 > 0) parts.push(`L2 ${node.l2.toExponential(1)}`);
  return parts.join(", ");
}
