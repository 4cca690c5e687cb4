/**
 * Opens the database for one process: picks the provider from DATABASE_URL, creates the SQLite file on first start,
 * applies pending migrations, and returns the store and the job queue sharing one Prisma client (one connection pool).
 *
 *   DATABASE_URL=postgres://... or postgresql://...  -> PostgreSQL
 *   DATABASE_URL=file:path/to.db                      -> SQLite at that path (relative to the working directory)
 *   unset                                             -> SQLite at ${dataDir ?? STUDIO_DATA_DIR ?? ./data}/studio.db
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { JobQueue } from "../jobs/queue";
import { migrate, type MigrateResult, type Provider } from "./migrator";
import { PrismaQueue } from "./prisma-queue";
import { PrismaStore, type PrismaDb } from "./prisma-store";
import type { Store } from "./store";

export interface OpenDbOptions {
  /**
   * postgres(ql)://..., file:..., or empty/undefined for the default SQLite file. When the key is absent,
   * process.env.DATABASE_URL is used; when present (even undefined, as from a parsed config), it is taken as given.
   */
  databaseUrl?: string | undefined;
  /** where the default SQLite file lives; default: process.env.STUDIO_DATA_DIR ?? "./data" */
  dataDir?: string;
}

export interface Db {
  provider: Provider;
  store: Store;
  queue: JobQueue;
  /** what the migrator did at start-up */
  migrations: MigrateResult;
  /** closes the connection (pool); idempotent. store.close() does the same. */
  close(): Promise<void>;
}

export type DatabaseTarget = { provider: "sqlite"; file: string } | { provider: "postgresql"; url: string };

/** How long a SQLite connection waits for another process's write lock before failing (busy_timeout). */
const SQLITE_BUSY_TIMEOUT_MS = 15_000;

export function resolveDatabase(opts: OpenDbOptions = {}): DatabaseTarget {
  const url = ("databaseUrl" in opts ? (opts.databaseUrl ?? "") : (process.env.DATABASE_URL ?? "")).trim();
  if (/^postgres(ql)?:\/\//i.test(url)) return { provider: "postgresql", url };
  if (url === "") {
    const dataDir = opts.dataDir ?? process.env.STUDIO_DATA_DIR ?? "./data";
    return { provider: "sqlite", file: path.resolve(dataDir, "studio.db") };
  }
  if (url.startsWith("file:")) {
    const file = url.slice("file:".length).replace(/\?.*$/, "");
    if (file === "" || file === ":memory:") throw new Error("DATABASE_URL: an in-memory SQLite database cannot be shared by the studio's processes; give a file path.");
    return { provider: "sqlite", file: path.resolve(file) };
  }
  throw new Error(`DATABASE_URL must start with postgres://, postgresql:// or file: (got "${url.replace(/\/\/[^@]*@/, "//***@")}").`);
}

async function openSqlite(file: string): Promise<{ prisma: PrismaDb; migrations: MigrateResult; end(): Promise<void> }> {
  mkdirSync(path.dirname(file), { recursive: true });
  // Set-up and migrations on a plain connection: WAL (persistent in the file) lets workers read while one writes.
  const raw = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  let migrations: MigrateResult;
  try {
    raw.pragma("journal_mode = WAL");
    raw.pragma("foreign_keys = ON");
    migrations = await migrate(raw, "sqlite");
  } finally {
    raw.close();
  }
  const [{ PrismaBetterSqlite3 }, { PrismaClient }] = await Promise.all([import("@prisma/adapter-better-sqlite3"), import("./generated/sqlite/client")]);
  // better-sqlite3 options pass through: `timeout` is the busy_timeout; foreign keys are on by default in better-sqlite3.
  const adapter = new PrismaBetterSqlite3({ url: `file:${file}`, timeout: SQLITE_BUSY_TIMEOUT_MS });
  const prisma = new PrismaClient({ adapter });
  await prisma.$executeRawUnsafe("PRAGMA synchronous = NORMAL");
  return { prisma, migrations, end: () => prisma.$disconnect() };
}

async function openPostgres(url: string): Promise<{ prisma: PrismaDb; migrations: MigrateResult; end(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {}); // an idle client's connection dropped: the pool replaces it
  try {
    const migrations = await migrate(pool, "postgresql");
    const [{ PrismaPg }, { PrismaClient }] = await Promise.all([import("@prisma/adapter-pg"), import("./generated/postgresql/client")]);
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    // The two generated clients have the same API; the store is written against the SQLite one's types.
    return {
      prisma: prisma as unknown as PrismaDb,
      migrations,
      end: async () => {
        await prisma.$disconnect();
        await pool.end();
      },
    };
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
}

/** Opens a connection (pool), migrates, and returns the store and queue on it. Call close() when done. */
export async function openDb(opts: OpenDbOptions = {}): Promise<Db> {
  const target = resolveDatabase(opts);
  const opened = target.provider === "sqlite" ? await openSqlite(target.file) : await openPostgres(target.url);
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= opened.end());
  return {
    provider: target.provider,
    store: new PrismaStore(opened.prisma, close),
    queue: new PrismaQueue(opened.prisma),
    migrations: opened.migrations,
    close,
  };
}

/** Just the store (its close() closes the connection). */
export async function openStore(opts: OpenDbOptions = {}): Promise<Store> {
  return (await openDb(opts)).store;
}

// One Db per process, kept on globalThis so that Next.js dev reloads do not open a pool per reload.
const cache = globalThis as typeof globalThis & { __automlStudioDb?: Promise<Db> };

/** The process-wide Db (from DATABASE_URL / STUDIO_DATA_DIR), opened and migrated on first use. */
export function getDb(): Promise<Db> {
  cache.__automlStudioDb ??= openDb().then(
    (db) => {
      const close = db.close;
      return {
        ...db,
        close: async () => {
          cache.__automlStudioDb = undefined;
          await close();
        },
      };
    },
    (err) => {
      cache.__automlStudioDb = undefined;
      throw err;
    },
  );
  return cache.__automlStudioDb;
}
