import { describe, expect, it } from "vitest";
import { ArchitectureDiagramDto } from "../../contracts/architecture";
import type { Architecture } from "./architecture";
import { toDiagram } from "./diagram";

describe("toDiagram", () => {
  it("draws every node with its inputs, from the input to the head, with the parameter count", () => {
    const arch: Architecture = {
      inputs: 10,
      nodes: [
        { id: "stem", op: "dense", input: "input", units: 8, activation: "relu", batchNorm: true, dropout: 0.25, l2: 1e-4 },
        { id: "b0", op: "gated", input: "stem", units: 8 },
        { id: "b0.res", op: "add", inputs: ["stem", "b0"] },
      ],
      output: "b0.res",
      outputs: 3,
      head: "softmax",
    };
    const diagram = ArchitectureDiagramDto.parse(toDiagram(arch, "complex"));
    expect(diagram.nodes.map((n) => [n.id, n.label, n.inputs.join("+")])).toEqual([
      ["input", "input 10", ""],
      ["stem", "dense 8 relu", "input"],
      ["b0", "gated 8", "stem"],
      ["b0.res", "add 8", "stem+b0"],
      ["head", "softmax 3", "b0.res"],
    ]);
    expect(diagram.nodes[1].detail).toBe("batch norm, dropout 0.25, L2 1.0e-4");
    // stem 10*8 + BN 2*8; gated 2*(8*8+8); head 8*3+3
    expect(diagram.parameterCount).toBe(80 + 16 + 144 + 27);
  });
});
