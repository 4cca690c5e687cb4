/**
 * Applies the hand-written migrations in prisma/migrations/<provider>/ at start-up, the way `prisma migrate deploy`
 * would (Prisma 7 has no JS migration API and the schema engine is not available offline), and records them in
 * `_prisma_migrations` with Prisma's own columns and checksums so that a real `prisma migrate` recognises them later.
 *
 * - each migration runs in its own transaction, with its `_prisma_migrations` row;
 * - concurrent starts are serialised: SQLite by `BEGIN IMMEDIATE` (the write lock, waited for by busy_timeout),
 *   PostgreSQL by the same session advisory lock that Prisma Migrate takes;
 * - an applied migration whose file changed, or one that a previous attempt left failed, stops start-up.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type BetterSqlite3 from "better-sqlite3";
import pg from "pg";

export type Provider = "sqlite" | "postgresql";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  /** migrations applied by this call, in order */
  applied: string[];
  /** migrations found already applied */
  skipped: string[];
}

export interface MigrateOptions {
  /** the folder holding the migration folders of this provider; default prisma/migrations/<provider> */
  migrationsDir?: string;
}

/** Prisma Migrate's advisory lock key (so that our start-up and a real `prisma migrate` exclude each other). */
const PG_ADVISORY_LOCK_KEY = 72707369;

export class MigrationError extends Error {
  override name = "MigrationError";
}

export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** As Prisma: a checksum also matches the script with its line endings converted (a CRLF checkout). */
function matchesChecksum(sql: string, checksum: string): boolean {
  if (checksumOf(sql) === checksum) return true;
  const lf = sql.replace(/\r\n/g, "\n");
  return checksumOf(lf) === checksum || checksumOf(lf.replace(/\n/g, "\r\n")) === checksum;
}

export function defaultMigrationsDir(provider: Provider): string {
  const candidates = [path.resolve(process.cwd(), "prisma/migrations", provider)];
  try {
    candidates.push(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma/migrations", provider));
  } catch {
    // bundled: import.meta.url may not be a file URL
  }
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new MigrationError(`Migrations not found (looked in ${candidates.join(", ")}); start the studio from its folder.`);
  return found;
}

/** Migration folders in order (Prisma's names start with a timestamp, so name order is time order). */
export function readMigrations(dir: string): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory() && existsSync(path.join(dir, name, "migration.sql")))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: checksumOf(sql) };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/** Which migrations are pending; throws when the recorded history does not fit the files. */
function plan(files: MigrationFile[], rows: AppliedRow[]): { pending: MigrationFile[]; skipped: string[] } {
  const live = rows.filter((r) => r.rolled_back_at === null || r.rolled_back_at === undefined);
  const failed = live.find((r) => r.finished_at === null || r.finished_at === undefined);
  if (failed) {
    throw new MigrationError(
      `Migration ${failed.migration_name} failed in an earlier attempt and is recorded as unfinished in _prisma_migrations. ` +
        `Fix the database, then mark it with \`prisma migrate resolve --applied|--rolled-back ${failed.migration_name}\`.`,
    );
  }
  const applied = new Map(live.map((r) => [r.migration_name, r.checksum]));
  const pending: MigrationFile[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const checksum = applied.get(file.name);
    if (checksum === undefined) {
      pending.push(file);
    } else if (!matchesChecksum(file.sql, checksum)) {
      throw new MigrationError(
        `Migration ${file.name} was changed after it was applied to this database (checksum ${checksum.slice(0, 12)}… recorded, ` +
          `${file.checksum.slice(0, 12)}… on disk). Applied migrations must not be edited: restore the file and add a new migration instead.`,
      );
    } else {
      skipped.push(file.name);
    }
  }
  return { pending, skipped };
}

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

const PG_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const SELECT_APPLIED = `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"`;

function migrateSqlite(db: BetterSqlite3.Database, files: MigrationFile[]): MigrateResult {
  const applied: string[] = [];
  let skipped: string[] = [];
  db.exec(SQLITE_MIGRATIONS_TABLE);
  // One migration per write transaction; BEGIN IMMEDIATE takes the write lock before reading the history, so a
  // second process waits (busy_timeout) and then sees what the first applied.
  for (;;) {
    db.exec("BEGIN IMMEDIATE");
    try {
      const rows = db.prepare(SELECT_APPLIED).all() as AppliedRow[];
      const state = plan(files, rows);
      skipped = state.skipped.filter((n) => !applied.includes(n));
      const next = state.pending[0];
      if (!next) {
        db.exec("COMMIT");
        return { applied, skipped };
      }
      const startedAt = Date.now();
      try {
        db.exec(next.sql);
      } catch (err) {
        throw new MigrationError(`Migration ${next.name} failed and was rolled back: ${(err as Error).message}`);
      }
      // Prisma's SQLite engine stores DateTime values as Unix milliseconds.
      db.prepare(
        `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count") VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
      ).run(randomUUID(), next.checksum, Date.now(), next.name, startedAt);
      db.exec("COMMIT");
      applied.push(next.name);
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      throw err;
    }
  }
}

type PgQueryable = pg.Pool | pg.Client | pg.PoolClient;

async function migratePostgres(conn: PgQueryable, files: MigrationFile[]): Promise<MigrateResult> {
  // A session advisory lock must be taken and released on one connection: borrow one from a pool.
  const isPool = conn instanceof pg.Pool;
  const client: pg.Client | pg.PoolClient = isPool ? await (conn as pg.Pool).connect() : (conn as pg.Client);
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PG_ADVISORY_LOCK_KEY]);
    try {
      await client.query(PG_MIGRATIONS_TABLE);
      const rows = (await client.query<AppliedRow>(SELECT_APPLIED)).rows;
      const { pending, skipped } = plan(files, rows);
      const applied: string[] = [];
      for (const next of pending) {
        await client.query("BEGIN");
        try {
          const id = randomUUID();
          await client.query(
            `INSERT INTO "_prisma_migrations" ("id", "checksum", "migration_name", "started_at", "applied_steps_count") VALUES ($1, $2, $3, now(), 0)`,
            [id, next.checksum, next.name],
          );
          try {
            await client.query(next.sql);
          } catch (err) {
            throw new MigrationError(`Migration ${next.name} failed and was rolled back: ${(err as Error).message}`);
          }
          await client.query(`UPDATE "_prisma_migrations" SET "finished_at" = clock_timestamp(), "applied_steps_count" = 1 WHERE "id" = $1`, [id]);
          await client.query("COMMIT");
        } catch (err) {
          await client.query("ROLLBACK").catch(() => {});
          throw err;
        }
        applied.push(next.name);
      }
      return { applied, skipped };
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [PG_ADVISORY_LOCK_KEY]).catch(() => {});
    }
  } finally {
    if (isPool) (client as pg.PoolClient).release();
  }
}

/**
 * Brings the database up to date. `connection` is a better-sqlite3 Database for "sqlite", and a pg Pool, Client or
 * PoolClient for "postgresql". Idempotent: a second call (or a second process) applies nothing.
 */
export function migrate(connection: BetterSqlite3.Database, provider: "sqlite", options?: MigrateOptions): Promise<MigrateResult>;
export function migrate(connection: PgQueryable, provider: "postgresql", options?: MigrateOptions): Promise<MigrateResult>;
export async function migrate(connection: BetterSqlite3.Database | PgQueryable, provider: Provider, options: MigrateOptions = {}): Promise<MigrateResult> {
  const files = readMigrations(options.migrationsDir ?? defaultMigrationsDir(provider));
  if (files.length === 0) throw new MigrationError(`No migrations found for ${provider}.`);
  if (provider === "sqlite") return migrateSqlite(connection as BetterSqlite3.Database, files);
  return migratePostgres(connection as PgQueryable, files);
}
