import { z } from "zod";

/**
 * A searched network drawn as a diagram: one box per node of its graph, in topological order, each naming
 * the boxes it reads. Built on the server from the stored architecture (server/models/nas/diagram.ts).
 */
export const ArchitectureNodeDto = z.object({
  id: z.string(),
  kind: z.enum(["input", "dense", "gated", "identity", "add", "concat", "head"]),
  /** what the box says, e.g. "dense 128 relu" */
  label: z.string(),
  /** e.g. "batch norm, dropout 0.2, L2 1e-4"; empty when there is nothing more */
  detail: z.string(),
  width: z.number().int(),
  inputs: z.array(z.string()),
});
export type ArchitectureNodeDto = z.infer<typeof ArchitectureNodeDto>;

export const ArchitectureDiagramDto = z.object({
  /** "chain", "complex" or "cell": the space it was searched in */
  space: z.string(),
  nodes: z.array(ArchitectureNodeDto),
  parameterCount: z.number().int(),
});
export type ArchitectureDiagramDto = z.infer<typeof ArchitectureDiagramDto>;
