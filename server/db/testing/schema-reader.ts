/**
 * A small reader of prisma/schema.prisma for tests (no DMMF offline): models, their scalar fields, keys, indexes and
 * relations, with the names Prisma gives their constraints.
 */
import { readFileSync } from "node:fs";

export interface SchemaField {
  name: string;
  /** Prisma scalar type: String, Int, Float, DateTime, Json, Boolean, BigInt, Decimal, Bytes */
  type: string;
  optional: boolean;
  hasDefault: boolean;
  updatedAt: boolean;
}

export interface SchemaIndex {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface SchemaForeignKey {
  name: string;
  columns: string[];
  references: string;
  referencedColumns: string[];
  onDelete: string;
}

export interface SchemaModel {
  name: string;
  fields: SchemaField[];
  primaryKey: string[];
  indexes: SchemaIndex[];
  foreignKeys: SchemaForeignKey[];
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

export function readSchema(file = "prisma/schema.prisma"): SchemaModel[] {
  const text = readFileSync(file, "utf8");
  const blocks = [...text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map((m) => ({ name: m[1]!, body: m[2]! }));
  const modelNames = new Set(blocks.map((b) => b.name));
  return blocks.map(({ name, body }) => {
    const model: SchemaModel = { name, fields: [], primaryKey: [], indexes: [], foreignKeys: [] };
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (!line) continue;
      const block = line.match(/^@@(id|unique|index)\(\[([^\]]*)\]/);
      if (block) {
        const cols = list(block[2]!);
        if (block[1] === "id") model.primaryKey = cols;
        else model.indexes.push({ name: `${name}_${cols.join("_")}_${block[1] === "unique" ? "key" : "idx"}`, columns: cols, unique: block[1] === "unique" });
        continue;
      }
      if (line.startsWith("@@")) continue;
      const field = line.match(/^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/);
      if (!field) throw new Error(`schema reader: cannot read line "${line}" in model ${name}`);
      const [, fieldName, type, isList, optional, attrs] = field as unknown as [string, string, string, string | undefined, string | undefined, string];
      if (modelNames.has(type)) {
        const rel = attrs.match(/@relation\(\s*fields:\s*\[([^\]]*)\],\s*references:\s*\[([^\]]*)\](?:,\s*onDelete:\s*(\w+))?/);
        if (rel) {
          const cols = list(rel[1]!);
          model.foreignKeys.push({ name: `${name}_${cols.join("_")}_fkey`, columns: cols, references: type, referencedColumns: list(rel[2]!), onDelete: rel[3] ?? "Restrict" });
        }
        continue; // relation fields have no column
      }
      if (isList) throw new Error(`schema reader: scalar lists are not supported (${name}.${fieldName})`);
      model.fields.push({ name: fieldName, type, optional: Boolean(optional), hasDefault: /@default\(/.test(attrs), updatedAt: /@updatedAt/.test(attrs) });
      if (/@id\b/.test(attrs)) model.primaryKey = [fieldName];
      if (/@unique\b/.test(attrs)) model.indexes.push({ name: `${name}_${fieldName}_key`, columns: [fieldName], unique: true });
    }
    return model;
  });
}

/** The column type Prisma Migrate creates for a scalar type. */
export function columnType(provider: "sqlite" | "postgresql", type: string): string {
  const sqlite: Record<string, string> = { String: "TEXT", Int: "INTEGER", Float: "REAL", DateTime: "DATETIME", Json: "JSONB", Boolean: "BOOLEAN", BigInt: "BIGINT", Decimal: "DECIMAL", Bytes: "BLOB" };
  const postgres: Record<string, string> = { String: "text", Int: "integer", Float: "double precision", DateTime: "timestamp without time zone", Json: "jsonb", Boolean: "boolean", BigInt: "bigint", Decimal: "numeric", Bytes: "bytea" };
  const t = (provider === "sqlite" ? sqlite : postgres)[type];
  if (!t) throw new Error(`no column type for ${type}`);
  return t;
}
