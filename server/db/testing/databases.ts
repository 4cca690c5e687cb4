/**
 * Throw-away databases for tests: a SQLite file in a temp dir, or a fresh PostgreSQL database (automl_test_<random>)
 * created and dropped through `pg`. PostgreSQL is found at TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
 * When it is unreachable the PostgreSQL suites are skipped with a message, except under CI, where they fail.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, it } from "vitest";
import type { Provider } from "../migrator";

export const PROVIDERS: Provider[] = ["sqlite", "postgresql"];

export const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface TestDatabase {
  provider: Provider;
  /** a DATABASE_URL for openDb: file:... or postgresql://... */
  url: string;
  /** SQLite: the file; PostgreSQL: the database name */
  name: string;
  drop(): Promise<void>;
}

let reachable: Promise<string | null> | undefined;

/** null when PostgreSQL answers, else why not */
export function postgresProblem(): Promise<string | null> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return null;
    } catch (err) {
      return `PostgreSQL at ${ADMIN_URL} is unreachable (${(err as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return reachable;
}

/** How a suite for `provider` should run: "run", or "skip"/"fail" with the reason. */
export async function availability(provider: Provider): Promise<{ mode: "run" } | { mode: "skip" | "fail"; reason: string }> {
  if (provider === "sqlite") return { mode: "run" };
  const problem = await postgresProblem();
  if (!problem) return { mode: "run" };
  if (process.env.CI) return { mode: "fail", reason: `${problem}; CI is set, so the PostgreSQL tests fail instead of skipping` };
  console.warn(`[db tests] skipping the PostgreSQL suites: ${problem}. Set TEST_POSTGRES_URL, or start PostgreSQL.`);
  return { mode: "skip", reason: problem };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "automl-db-test-"));
    const file = path.join(dir, "studio.db");
    return { provider, url: `file:${file}`, name: file, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `automl_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    provider,
    url: withDatabase(ADMIN_URL, name),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

/**
 * One suite per database: `body` runs inside a describe named for the provider. A PostgreSQL suite is skipped
 * with a message when PostgreSQL is unreachable, or fails under CI.
 */
export function describeEachProvider(title: string, body: (provider: Provider) => void): void {
  describe.each(PROVIDERS)(`${title} on %s`, async (provider: Provider) => {
    const avail = await availability(provider);
    if (avail.mode === "fail") {
      it("needs PostgreSQL", () => {
        throw new Error(avail.reason);
      });
      return;
    }
    (avail.mode === "skip" ? describe.skip : describe)(provider, () => body(provider));
  });
}
