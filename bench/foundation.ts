// `npm run bench:foundation`: the foundation's figures on credit-g and shuttle — CSV rows parsed per second,
// trials finished per minute, best validation and test metric, peak memory, tfjs backend.
// Usage: npm run bench:foundation [-- --budget-s 60]
import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseCsvFile } from "../server/data/parse-csv";

const { values } = parseArgs({ options: { "budget-s": { type: "string", default: "60" } } });
const budgetS = Number(values["budget-s"]);
const shared = path.resolve(import.meta.dirname, "../../shared/datasets");
const datasets = [
  { name: "credit-g", file: "credit-g.csv", label: "class" },
  { name: "shuttle", file: "shuttle.csv", label: "Class" },
];

/** Resident memory of a process and all its descendants, in bytes (Linux /proc). */
async function treeRss(root: number): Promise<number> {
  const pids = await fs.readdir("/proc").then((d) => d.filter((p) => /^\d+$/.test(p)));
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const p of pids) {
    const status = await fs.readFile(`/proc/${p}/status`, "utf8").catch(() => "");
    const ppid = /PPid:\s+(\d+)/.exec(status);
    const vm = /VmRSS:\s+(\d+) kB/.exec(status);
    if (ppid) parent.set(Number(p), Number(ppid[1]));
    if (vm) rss.set(Number(p), Number(vm[1]) * 1024);
  }
  let total = 0;
  for (const [pid, bytes] of rss) {
    for (let q: number | undefined = pid; q !== undefined && q > 1; q = parent.get(q)) {
      if (q === root) {
        total += bytes;
        break;
      }
    }
  }
  return total;
}

async function train(csv: string, label: string, out: string): Promise<{ peakBytes: number; seconds: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--import", "tsx", "server/cli/main.ts", "train", "--csv", csv, "--label", label, "--budget-s", String(budgetS), "--seed", "0", "--out", out], { stdio: ["ignore", "ignore", "inherit"] });
  let peakBytes = 0;
  const poll = setInterval(() => void treeRss(child.pid!).then((b) => (peakBytes = Math.max(peakBytes, b))), 250);
  const code: number = await new Promise((r) => child.on("exit", (c) => r(c ?? 1)));
  clearInterval(poll);
  if (code !== 0) throw new Error(`train exited with ${code}`);
  return { peakBytes, seconds: (performance.now() - started) / 1000 };
}

const rows: Record<string, string | number>[] = [];
for (const d of datasets) {
  const csv = path.join(shared, d.file);
  const t = performance.now();
  const table = await parseCsvFile(csv);
  const parseSeconds = (performance.now() - t) / 1000;
  const out = await fs.mkdtemp(path.join(os.tmpdir(), `bench-${d.name}-`));
  const { peakBytes, seconds } = await train(csv, d.label, out);
  const board = JSON.parse(await fs.readFile(path.join(out, "leaderboard.json"), "utf8"));
  const manifest = JSON.parse(await fs.readFile(path.join(out, "best", "manifest.json"), "utf8"));
  const finished = board.candidates.filter((c: { status: string }) => c.status === "done" || c.status === "stopped").length;
  rows.push({
    dataset: d.name,
    "rows parsed/s": Math.round(table.rowCount / parseSeconds),
    "trials/min": +(finished / (seconds / 60)).toFixed(2),
    trials: finished,
    metric: board.metric,
    "best val": +manifest.validation.score.toFixed(5),
    "best test": +manifest.test.score.toFixed(5),
    "peak MB": Math.round(peakBytes / 1048576),
    backend: manifest.backend,
  });
  await fs.rm(out, { recursive: true, force: true });
}
console.log(`\nbudget ${budgetS} s per dataset, ${os.availableParallelism()} cores\n`);
console.table(rows);
