import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "@playwright/test";

// The studio under test runs for real: Next.js server, job supervisor and workers, SQLite in a fresh data dir.
const port = Number(process.env.E2E_PORT ?? 3123);
const dataDir = process.env.E2E_DATA_DIR ?? `.tmp/e2e-${Date.now()}`;
process.env.E2E_DATA_DIR = dataDir;

// scripts/start.mjs builds only when .next/BUILD_ID is missing, so a build older than the sources tests stale API
// routes and pages. Say so; E2E_REBUILD=1 drops BUILD_ID so the web server rebuilds first. (Not by default: in a
// tree others edit at the same time, a rebuild fails on anyone's half-done code and leaves no build at all.)
// Checked in the runner only, not in its workers.
if (!process.env.TEST_WORKER_INDEX && existsSync(".next/BUILD_ID")) {
  const built = statSync(".next/BUILD_ID").mtimeMs;
  const newer = (p: string): string | null => {
    if (!existsSync(p)) return null;
    const st = statSync(p);
    if (!st.isDirectory()) return st.mtimeMs > built && !/\.test\.tsx?$/.test(p) ? p : null;
    for (const name of readdirSync(p)) {
      const found = newer(path.join(p, name));
      if (found) return found;
    }
    return null;
  };
  const stale = ["app", "components", "server", "proxy.ts", "next.config.ts", "package.json"].map(newer).find(Boolean);
  if (stale && process.env.E2E_REBUILD === "1") {
    console.log(`[e2e] ${stale} changed after the last Next.js build: rebuilding`);
    rmSync(".next/BUILD_ID");
  } else if (stale) {
    console.warn(`[e2e] warning: ${stale} changed after the last Next.js build (.next); the studio under test may be stale. E2E_REBUILD=1 rebuilds first.`);
  }
}

export default defineConfig({
  testDir: "e2e",
  timeout: 600_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
  webServer: {
    command: "node scripts/start.mjs",
    url: `http://127.0.0.1:${port}/api/system`,
    timeout: 600_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      STUDIO_DATA_DIR: dataDir,
      STUDIO_WORKERS: "2",
      STUDIO_MAX_UPLOAD_MB: "5",
      DATABASE_URL: "",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
