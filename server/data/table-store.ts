import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { ColumnType } from "../contracts/dataset";
import type { InferredType } from "./infer-types";
import type { Column, Table } from "./table";

/**
 * The stored table: one raw typed-array file per column plus a small JSON meta. Trials load it in milliseconds
 * and never re-parse the CSV. Arrays are written in the machine's byte order, little-endian everywhere we run;
 * the meta records it so a big-endian reader refuses rather than misreads.
 */

const META_FILE = "meta.json";
const FORMAT_VERSION = 1;

const StoredColumn = z.object({
  name: z.string(),
  kind: z.enum(["number", "string"]),
  type: ColumnType,
  reason: z.string(),
  /** values (.f64) or codes (.i32) */
  file: z.string(),
  /** string columns: their categories, in code order */
  categoriesFile: z.string().nullable(),
});

const TableMeta = z.object({
  version: z.literal(FORMAT_VERSION),
  endianness: z.enum(["LE", "BE"]),
  rowCount: z.number().int().nonnegative(),
  columns: z.array(StoredColumn),
});
type TableMeta = z.infer<typeof TableMeta>;

const Categories = z.array(z.string());

export async function saveTable(dir: string, table: Table, types: InferredType[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const byName = new Map(types.map((t) => [t.name, t]));
  const columns: TableMeta["columns"] = [];
  for (const [i, column] of table.columns.entries()) {
    const t = byName.get(column.name);
    if (!t) throw new Error(`saveTable: no type for column ${column.name}`);
    const data = column.kind === "number" ? column.values : column.codes;
    if (data.length !== table.rowCount) throw new Error(`saveTable: column ${column.name} has ${data.length} rows, not ${table.rowCount}`);
    const file = `col-${i}.${column.kind === "number" ? "f64" : "i32"}`;
    await writeAtomic(path.join(dir, file), new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    let categoriesFile: string | null = null;
    if (column.kind === "string") {
      categoriesFile = `col-${i}.categories.json`;
      await writeAtomic(path.join(dir, categoriesFile), JSON.stringify(column.categories));
    }
    columns.push({ name: column.name, kind: column.kind, type: t.type, reason: t.reason, file, categoriesFile });
  }
  const meta: TableMeta = { version: FORMAT_VERSION, endianness: os.endianness(), rowCount: table.rowCount, columns };
  // the meta goes last: a folder with a meta is a complete table
  await writeAtomic(path.join(dir, META_FILE), JSON.stringify(meta, null, 1));
}

export async function loadTable(dir: string): Promise<{ table: Table; types: InferredType[] }> {
  const meta = TableMeta.parse(JSON.parse(await fs.readFile(path.join(dir, META_FILE), "utf8")));
  if (meta.endianness !== os.endianness()) throw new Error(`table at ${dir} was written ${meta.endianness}; this machine is ${os.endianness()}`);
  const columns: Column[] = [];
  for (const c of meta.columns) {
    const own = await readIntoOwnBuffer(path.join(dir, c.file));
    const width = c.kind === "number" ? 8 : 4;
    if (own.byteLength !== meta.rowCount * width) {
      throw new Error(`table at ${dir}: ${c.file} has ${own.byteLength} bytes, expected ${meta.rowCount * width}`);
    }
    if (c.kind === "number") {
      columns.push({ name: c.name, kind: "number", values: new Float64Array(own) });
    } else {
      if (!c.categoriesFile) throw new Error(`table at ${dir}: string column ${c.name} has no categories file`);
      const categories = Categories.parse(JSON.parse(await fs.readFile(path.join(dir, c.categoriesFile), "utf8")));
      columns.push({ name: c.name, kind: "string", codes: new Int32Array(own), categories });
    }
  }
  return {
    table: { rowCount: meta.rowCount, columns },
    types: meta.columns.map((c) => ({ name: c.name, type: c.type, reason: c.reason })),
  };
}

/**
 * The whole file in a fresh ArrayBuffer of its own, aligned for any typed array: read straight into it, where
 * readFile's Buffer may sit at any offset of a shared pool and would need a second copy (and twice the memory).
 */
async function readIntoOwnBuffer(file: string): Promise<ArrayBuffer> {
  const fh = await fs.open(file, "r");
  try {
    const { size } = await fh.stat();
    const bytes = new Uint8Array(size);
    for (let at = 0; at < size; ) {
      const { bytesRead } = await fh.read(bytes, at, size - at, at);
      if (bytesRead === 0) throw new Error(`${file} ended at ${at} of ${size} bytes while being read`);
      at += bytesRead;
    }
    return bytes.buffer;
  } finally {
    await fh.close();
  }
}

/** temp file, then rename: a reader never sees half a file */
async function writeAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}
