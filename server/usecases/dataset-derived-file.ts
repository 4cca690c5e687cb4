import type { z } from "zod";
import type { StudioContext } from "../context";
import type { InferredType } from "../data/infer-types";
import type { Table } from "../data/table";
import { loadTable } from "../data/table-store";
import { keys } from "../storage/keys";

/**
 * A JSON file derived from a dataset's table and kept beside it: written at upload, while the table is in
 * memory, and recomputed from the stored table when missing (a dataset uploaded before it existed) or unreadable.
 */
export function datasetDerivedFile<T>(name: string, schema: z.ZodType<T>, compute: (table: Table, types: InferredType[]) => T) {
  const key = (datasetId: string) => `${keys.datasetDir(datasetId)}/${name}`;

  async function write(ctx: StudioContext, datasetId: string, table: Table, types: InferredType[]): Promise<T> {
    const value = compute(table, types);
    await ctx.blobs.put(key(datasetId), JSON.stringify(value));
    return value;
  }

  async function read(ctx: StudioContext, datasetId: string): Promise<T> {
    if (await ctx.blobs.exists(key(datasetId))) {
      try {
        const parsed = schema.safeParse(JSON.parse((await ctx.blobs.get(key(datasetId))).toString("utf8")));
        if (parsed.success) return parsed.data;
      } catch {
        // not JSON: recomputed below
      }
    }
    const { table, types } = await loadTable(await ctx.blobs.localPath(keys.datasetTable(datasetId)));
    return write(ctx, datasetId, table, types);
  }

  return { write, read };
}
