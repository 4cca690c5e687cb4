import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDb, resolveDatabase } from "./client";
import { migrate, readMigrations, type Provider } from "./migrator";
import { createTestDatabase, describeEachProvider, type TestDatabase } from "./testing/databases";
import { introspectPostgres, introspectSqlite, type DbTable } from "./testing/introspect";
import { columnType, readSchema } from "./testing/schema-reader";

const run = promisify(execFile);
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function introspect(t: TestDatabase): Promise<DbTable[]> {
  return t.provider === "sqlite" ? introspectSqlite(t.name) : introspectPostgres(t.url);
}

/** _prisma_migrations rows, through a plain connection */
async function migrationRows(t: TestDatabase): Promise<Record<string, unknown>[]> {
  const sql = `SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"`;
  if (t.provider === "sqlite") {
    const db = new Database(t.name, { readonly: true });
    try {
      return db.prepare(sql).all() as Record<string, unknown>[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

async function execute(t: TestDatabase, sql: string): Promise<void> {
  if (t.provider === "sqlite") {
    const db = new Database(t.name);
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const c = new pg.Client({ connectionString: t.url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function migrateOnce(t: TestDatabase) {
  if (t.provider === "sqlite") {
    const db = new Database(t.name, { timeout: 15_000 });
    try {
      return await migrate(db, "sqlite");
    } finally {
      db.close();
    }
  }
  const pool = new pg.Pool({ connectionString: t.url });
  try {
    return await migrate(pool, "postgresql");
  } finally {
    await pool.end();
  }
}

describeEachProvider("migrations", (provider: Provider) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase(provider);
  });
  afterEach(async () => {
    await t.drop();
  });

  it("creates exactly the tables, columns, keys, indexes and foreign keys of prisma/schema.prisma", async () => {
    await migrateOnce(t);
    const tables = await introspect(t);
    const models = readSchema();
    expect(tables.map((x) => x.name).sort()).toEqual([...models.map((m) => m.name), "_prisma_migrations"].sort());

    for (const model of models) {
      const table = tables.find((x) => x.name === model.name)!;
      const expected = model.fields.map((f) => ({
        name: f.name,
        type: columnType(provider, f.type) + (provider === "postgresql" && f.type === "DateTime" ? "(3)" : ""),
        notNull: !f.optional,
        hasDefault: f.hasDefault,
      }));
      expect(table.columns, `columns of ${model.name}`).toEqual(expected);
      expect(table.primaryKey, `primary key of ${model.name}`).toEqual(model.primaryKey);
      const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
      expect(byName(table.indexes), `indexes of ${model.name}`).toEqual(byName(model.indexes));
      expect(byName(table.foreignKeys), `foreign keys of ${model.name}`).toEqual(
        byName(model.foreignKeys.map((fk) => ({ ...fk, onDelete: fk.onDelete.replace(/([a-z])([A-Z])/g, "$1 $2").toUpperCase() }))),
      );
    }
  });

  it("records each migration as Prisma does, and a second run is a no-op", async () => {
    const files = readMigrations(path.resolve("prisma/migrations", provider));
    const first = await migrateOnce(t);
    expect(first).toEqual({ applied: files.map((f) => f.name), skipped: [] });
    const before = await introspect(t);

    const second = await migrateOnce(t);
    expect(second).toEqual({ applied: [], skipped: files.map((f) => f.name) });
    expect(await introspect(t)).toEqual(before);

    const rows = await migrationRows(t);
    expect(rows).toHaveLength(files.length);
    for (const [i, file] of files.entries()) {
      const row = rows[i]!;
      expect(row.migration_name).toBe(file.name);
      expect(row.checksum).toBe(sha256(readFileSync(path.resolve("prisma/migrations", provider, file.name, "migration.sql"), "utf8")));
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.started_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
    }
    expect(Object.keys(rows[0]!).sort()).toEqual(["applied_steps_count", "checksum", "finished_at", "id", "logs", "migration_name", "rolled_back_at", "started_at"]);
  });

  it("refuses to start when an applied migration was edited", async () => {
    await migrateOnce(t);
    await execute(t, `UPDATE "_prisma_migrations" SET "checksum" = '${"0".repeat(64)}'`);
    await expect(migrateOnce(t)).rejects.toThrow(/was changed after it was applied/);
    await expect(openDb({ databaseUrl: t.url })).rejects.toThrow(/was changed after it was applied/);
  });

  it("refuses to start after a migration left unfinished by an earlier attempt", async () => {
    await migrateOnce(t);
    await execute(t, `UPDATE "_prisma_migrations" SET "finished_at" = NULL`);
    await expect(migrateOnce(t)).rejects.toThrow(/failed in an earlier attempt/);
  });

  it("applies the migrations once when several processes start together", async () => {
    const script = path.resolve("server/db/testing/open-db-main.ts");
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ["--import", "tsx", script, t.url], { env: { ...process.env, DATABASE_URL: "" } })),
    );
    const results = outputs.map((o) => JSON.parse(o.stdout) as { applied: string[]; skipped: string[] });
    const files = readMigrations(path.resolve("prisma/migrations", provider)).map((f) => f.name);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(files);
    for (const r of results) expect([...r.applied, ...r.skipped].sort()).toEqual(files);
    expect(await migrationRows(t)).toHaveLength(files.length);
  });
});

describe("openDb with SQLite", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "automl-opendb-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("chooses the provider from DATABASE_URL", () => {
    expect(resolveDatabase({ databaseUrl: "postgres://u@h/db" })).toEqual({ provider: "postgresql", url: "postgres://u@h/db" });
    expect(resolveDatabase({ databaseUrl: "postgresql://u@h/db" }).provider).toBe("postgresql");
    expect(resolveDatabase({ databaseUrl: "file:./x/studio.db" })).toEqual({ provider: "sqlite", file: path.resolve("x/studio.db") });
    expect(resolveDatabase({ databaseUrl: "", dataDir: dir })).toEqual({ provider: "sqlite", file: path.join(dir, "studio.db") });
    expect(resolveDatabase({ databaseUrl: undefined, dataDir: dir })).toEqual({ provider: "sqlite", file: path.join(dir, "studio.db") });
    expect(() => resolveDatabase({ databaseUrl: "mysql://x" })).toThrow(/DATABASE_URL/);
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = "postgresql://u@h/fromenv";
    try {
      expect(resolveDatabase({ dataDir: dir })).toEqual({ provider: "postgresql", url: "postgresql://u@h/fromenv" });
      expect(resolveDatabase({ databaseUrl: undefined, dataDir: dir }).provider).toBe("sqlite"); // given explicitly (a parsed config)
    } finally {
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
    }
  });

  it("creates the database file on first start, in WAL mode", async () => {
    const dataDir = path.join(dir, "nested", "data");
    const db = await openDb({ databaseUrl: "", dataDir });
    try {
      expect(db.provider).toBe("sqlite");
      expect(existsSync(path.join(dataDir, "studio.db"))).toBe(true);
      expect(await db.store.listDatasets()).toEqual([]);
    } finally {
      await db.close();
    }
    const raw = new Database(path.join(dataDir, "studio.db"), { readonly: true });
    try {
      expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    } finally {
      raw.close();
    }
    const again = await openDb({ dataDir, databaseUrl: "" });
    expect(again.migrations.applied).toEqual([]);
    await again.close();
  });
});
