/**
 * `npm run bench:ui`: the run page at scale. Seeds an empty run, starts the studio (as `npm start` does, on a fresh
 * SQLite data dir and a free port) and measures its page in Chromium; then seeds a run of 10,000 candidates and
 * 1,000,000 learning-curve points through the store and measures that page the same way. Prints the figures and
 * their ratios to the empty run. Goal: first render, a sort and the charts each under 1 second.
 *
 *   npm run bench:ui [-- --trials 10000 --points 100]
 */
import fs from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "@playwright/test";
import { loadConfig } from "../server/config";
import { createContext } from "../server/context";
import { measureRunPage, type PageFigures } from "./ui/measure";
import { seedRun } from "./ui/seed";
import { startStudio } from "./ui/studio";

const { values } = parseArgs({ options: { trials: { type: "string", default: "10000" }, points: { type: "string", default: "100" } } });
const trials = Number(values.trials);
const points = Number(values.points);

const dataDir = path.resolve(".tmp/bench", `ui-${Date.now()}`);
await fs.mkdir(dataDir, { recursive: true });
const ctx = await createContext(loadConfig({ ...process.env, STUDIO_DATA_DIR: dataDir, DATABASE_URL: "" }));
const empty = await seedRun(ctx.store, { trials: 0, pointsPerTrial: 0 });
const studio = await startStudio(dataDir, console.log);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  // as playwright.config.ts; precise memory info makes the heap figure exact rather than bucketed
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--enable-precise-memory-info"],
});
try {
  const url = (runId: string) => `${studio.url}/runs/${runId}`;
  // a first visit warms the server's routes (module loading, the database connection): measure the second
  await measureRunPage(browser, url(empty.runId));
  const before = await measureRunPage(browser, url(empty.runId));
  console.log(`seeding ${trials.toLocaleString("en-US")} candidates and ${(trials * points).toLocaleString("en-US")} learning-curve points...`);
  const started = performance.now();
  const big = await seedRun(ctx.store, { trials, pointsPerTrial: points });
  const seedSeconds = (performance.now() - started) / 1000;
  // the big run's first visit (nothing of it cached yet), then a second one
  const first = await measureRunPage(browser, url(big.runId));
  const again = await measureRunPage(browser, url(big.runId));
  console.log(report(before, first, again, trials, seedSeconds));
} finally {
  await browser.close();
  await studio.stop();
  await ctx.close();
  await fs.rm(dataDir, { recursive: true, force: true });
}

function report(before: PageFigures, first: PageFigures, again: PageFigures, n: number, seedSeconds: number): string {
  const ms = (v: number | null) => (v === null ? "—" : Math.round(v).toLocaleString("en-US"));
  const mb = (v: number) => (v / 1024 ** 2).toFixed(1);
  const ratio = (a: number | null, b: number | null) => (a === null || b === null || a === 0 ? "—" : `${(b / a).toFixed(2)}×`);
  const goal = (...vs: (number | null)[]) => (vs.every((v) => v !== null && v < 1000) ? "yes" : "no");
  const big = n.toLocaleString("en-US");
  const rows = [
    ["leaderboard first render (ms from navigation)", ms(before.firstRenderMs), ms(first.firstRenderMs), ms(again.firstRenderMs), ratio(before.firstRenderMs, again.firstRenderMs), goal(first.firstRenderMs, again.firstRenderMs)],
    ["sort by a header (ms to a new first row)", ms(before.sortMs), ms(first.sortMs), ms(again.sortMs), "—", goal(first.sortMs, again.sortMs)],
    ["search-insight charts drawn (ms from navigation)", ms(before.chartsMs), ms(first.chartsMs), ms(again.chartsMs), ratio(before.chartsMs, again.chartsMs), goal(first.chartsMs, again.chartsMs)],
    ["JavaScript heap after GC (MB)", mb(before.heapBytes), mb(first.heapBytes), mb(again.heapBytes), ratio(before.heapBytes, again.heapBytes), ""],
  ];
  return [
    `\nrun page in Chromium: an empty run and one of ${big} candidates (seeded in ${seedSeconds.toFixed(1)} s), visited twice\n`,
    `| measure | empty run | ${big}: first visit | ${big}: again | ratio (again / empty) | under 1 s |`,
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}
