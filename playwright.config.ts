import { defineConfig } from "@playwright/test";

// The studio under test runs for real: Next.js server, job supervisor and workers, SQLite in a fresh data dir.
const port = Number(process.env.E2E_PORT ?? 3123);
const dataDir = process.env.E2E_DATA_DIR ?? `.tmp/e2e-${Date.now()}`;
process.env.E2E_DATA_DIR = dataDir;

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
