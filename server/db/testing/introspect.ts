/** Reads a migrated database's tables back (sqlite_master/pragmas, information_schema/pg_catalog) for the migration test. */
import Database from "better-sqlite3";
import pg from "pg";

export interface DbColumn {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
}

export interface DbTable {
  name: string;
  columns: DbColumn[];
  primaryKey: string[];
  indexes: { name: string; columns: string[]; unique: boolean }[];
  foreignKeys: { name: string; columns: string[]; references: string; referencedColumns: string[]; onDelete: string }[];
}

const unquote = (s: string) => s.trim().replace(/^"(.*)"$/, "$1");

export function introspectSqlite(file: string): DbTable[] {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string; sql: string }[];
    return tables.map(({ name, sql }) => {
      const info = db.prepare(`SELECT * FROM pragma_table_info(?)`).all(name) as { name: string; type: string; notnull: number; dflt_value: string | null; pk: number }[];
      const indexList = db.prepare(`SELECT * FROM pragma_index_list(?)`).all(name) as { name: string; unique: number; origin: string }[];
      const fkList = db.prepare(`SELECT * FROM pragma_foreign_key_list(?)`).all(name) as { id: number; seq: number; table: string; from: string; to: string; on_delete: string }[];
      const fkNames = [...sql.matchAll(/CONSTRAINT\s+"([^"]+)"\s+FOREIGN KEY\s*\(([^)]*)\)/g)].map((m) => ({ name: m[1]!, columns: m[2]!.split(",").map(unquote) }));
      const fkIds = [...new Set(fkList.map((f) => f.id))];
      return {
        name,
        columns: info.map((c) => ({ name: c.name, type: c.type, notNull: c.notnull === 1 || c.pk > 0, hasDefault: c.dflt_value !== null })),
        primaryKey: info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        indexes: indexList
          .filter((i) => i.origin === "c")
          .map((i) => ({
            name: i.name,
            unique: i.unique === 1,
            columns: (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(i.name) as { name: string }[]).map((c) => c.name),
          })),
        foreignKeys: fkIds.map((id) => {
          const parts = fkList.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq);
          const columns = parts.map((p) => p.from);
          return {
            name: fkNames.find((n) => n.columns.join() === columns.join())?.name ?? "",
            columns,
            references: parts[0]!.table,
            referencedColumns: parts.map((p) => p.to),
            onDelete: parts[0]!.on_delete,
          };
        }),
      };
    });
  } finally {
    db.close();
  }
}

export async function introspectPostgres(url: string): Promise<DbTable[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await client.query<T>(sql, params)).rows;
    const tables = await q<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`);
    const out: DbTable[] = [];
    for (const { table_name: name } of tables) {
      const columns = await q<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null; datetime_precision: number | null }>(
        `SELECT column_name, data_type, is_nullable, column_default, datetime_precision FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
        [name],
      );
      const constraints = await q<{ conname: string; contype: string; cols: string[]; reftable: string | null; refcols: string[] | null; confdeltype: string }>(
        `SELECT c.conname, c.contype, c.confdeltype,
                ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols,
                c.confrelid::regclass::text AS reftable,
                ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS refcols
           FROM pg_constraint c WHERE c.conrelid = $1::regclass`,
        [`"${name}"`],
      );
      const indexes = await q<{ name: string; unique: boolean; cols: string[] }>(
        `SELECT ic.relname AS name, ix.indisunique AS unique,
                ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.n ORDER BY k.i)::text[] AS cols
           FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid
          WHERE ix.indrelid = $1::regclass AND NOT ix.indisprimary`,
        [`"${name}"`],
      );
      const onDelete: Record<string, string> = { c: "CASCADE", r: "RESTRICT", a: "NO ACTION", n: "SET NULL", d: "SET DEFAULT" };
      out.push({
        name,
        columns: columns.map((c) => ({
          name: c.column_name,
          type: c.data_type === "timestamp without time zone" || c.data_type === "timestamp with time zone" ? `${c.data_type}(${c.datetime_precision})` : c.data_type,
          notNull: c.is_nullable === "NO",
          hasDefault: c.column_default !== null,
        })),
        primaryKey: constraints.find((c) => c.contype === "p")?.cols ?? [],
        indexes: indexes.map((i) => ({ name: i.name, columns: i.cols, unique: i.unique })),
        foreignKeys: constraints
          .filter((c) => c.contype === "f")
          .map((c) => ({ name: c.conname, columns: c.cols, references: unquote(c.reftable ?? ""), referencedColumns: c.refcols ?? [], onDelete: onDelete[c.confdeltype] ?? c.confdeltype })),
      });
    }
    return out;
  } finally {
    await client.end();
  }
}
