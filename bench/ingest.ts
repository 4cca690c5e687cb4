// `npm run bench:ingest`: how fast and how lean the studio ingests a large CSV, beside pandas.read_csv in the same run.
// A seeded 1 GB CSV (12 numeric columns with 5 decimals, 6 categorical columns of 6 values, a 0/1 label) is generated
// once into .tmp/bench/; the studio's upload path (parse, infer types, profile, save the columnar table, then the
// label options and dataset warnings written beside it) and
// pandas.read_csv with default arguments (Debian's python3-pandas) each run in a child process of their own, and the
// table shows MB/s (of the file, 1 MB = 2^20 bytes), peak resident memory (VmHWM) and the studio/pandas ratios.
// Usage: npm run bench:ingest [-- --mb 100]
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createRng } from "../server/automl/rng";
import { datasetWarnings } from "../server/data/guardrails";
import { inferColumnTypes } from "../server/data/infer-types";
import { parseCsvFile } from "../server/data/parse-csv";
import { profileTable } from "../server/data/profile";
import { saveTable } from "../server/data/table-store";
import { computeLabelOptions } from "../server/usecases/label-options";

const MB = 1 << 20;
const SEED = 20240601;
/** bump when the generated content changes, so cached files are rebuilt */
const GENERATOR_VERSION = 1;
const NUMERIC_COLUMNS = 12;
const CATEGORY_VALUES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"];
const CATEGORICAL_COLUMNS = 6;
const CACHE = path.resolve(import.meta.dirname, "../.tmp/bench");

const { values } = parseArgs({
  options: {
    mb: { type: "string", default: "1024" },
    // internal: the child process that runs the studio's path on one file
    "studio-child": { type: "string" },
  },
});

/** The child's report, read back by the parent: its own timing and its peak memory. */
const Measurement = z.object({
  seconds: z.number(),
  /** CPU seconds over the same span, user + system, all threads: steadier than wall time on a busy machine */
  cpuSeconds: z.number(),
  rows: z.number().int(),
  peakBytes: z.number(),
  /** studio only: seconds and peak memory so far (VmHWM) at the end of each phase, to see which one costs what */
  phases: z.array(z.object({ name: z.string(), seconds: z.number(), peakBytes: z.number() })).optional(),
});
type Measurement = z.infer<typeof Measurement>;

/** What the cache holds beside each generated file: enough to know it is the file this generator would write. */
const Marker = z.object({ version: z.number(), seed: z.number(), targetBytes: z.number(), bytes: z.number(), rows: z.number(), sha256: z.string() });
type Marker = z.infer<typeof Marker>;

if (values["studio-child"]) {
  process.stdout.write(JSON.stringify(await runStudio(values["studio-child"])) + "\n");
} else {
  const mb = Number(values.mb);
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`--mb must be a positive number, got ${values.mb}`);
  await main(mb);
}

async function main(mb: number): Promise<void> {
  const { file, marker } = await cachedCsv(Math.round(mb * MB));
  const pandas = Measurement.parse(await runChild("/usr/bin/python3", [path.join(import.meta.dirname, "ingest-pandas.py"), file]));
  const studio = Measurement.parse(
    await runChild(process.execPath, ["--import", "tsx", path.join(import.meta.dirname, "ingest.ts"), "--studio-child", file]),
  );
  for (const [who, m] of [["pandas", pandas], ["studio", studio]] as const) {
    if (m.rows !== marker.rows) throw new Error(`${who} read ${m.rows} rows, the file has ${marker.rows}`);
  }
  const mbps = (m: Measurement) => marker.bytes / MB / m.seconds;
  const peak = (m: Measurement) => m.peakBytes / MB;
  console.log(`\n${file}: ${(marker.bytes / MB).toFixed(0)} MB, ${marker.rows} rows x ${NUMERIC_COLUMNS + CATEGORICAL_COLUMNS + 1} columns; ${os.availableParallelism()} cores, Node ${process.version}`);
  const phases = (studio.phases ?? []).map((p) => `${p.name} ${p.seconds.toFixed(2)} s (peak so far ${Math.round(p.peakBytes / MB)} MB)`);
  console.log(`studio phases: ${phases.join(", ")}\n`);
  const parseSeconds = studio.phases?.find((p) => p.name === "parse")?.seconds ?? NaN;
  console.table([
    { run: "studio: whole upload path", seconds: +studio.seconds.toFixed(2), "cpu s": +studio.cpuSeconds.toFixed(2), "MB/s": +mbps(studio).toFixed(1), "peak MB": Math.round(peak(studio)) },
    // pandas only parses: the studio's parse phase alone is the like-for-like figure
    { run: "studio: parse only", seconds: +parseSeconds.toFixed(2), "MB/s": +(marker.bytes / MB / parseSeconds).toFixed(1) },
    { run: "pandas.read_csv (defaults)", seconds: +pandas.seconds.toFixed(2), "cpu s": +pandas.cpuSeconds.toFixed(2), "MB/s": +mbps(pandas).toFixed(1), "peak MB": Math.round(peak(pandas)) },
    { run: "studio parse only / pandas", seconds: +(parseSeconds / pandas.seconds).toFixed(2), "MB/s": +(pandas.seconds / parseSeconds).toFixed(2) },
    { run: "studio / pandas", seconds: +(studio.seconds / pandas.seconds).toFixed(2), "cpu s": +(studio.cpuSeconds / pandas.cpuSeconds).toFixed(2), "MB/s": +(mbps(studio) / mbps(pandas)).toFixed(2), "peak MB": +(peak(studio) / peak(pandas)).toFixed(2) },
  ]);
  console.log("goal: MB/s ratio >= 1 and peak MB ratio <= 1");
}

/** The studio's upload path on one file, timed, in this (child) process; its table is written to a scratch folder. */
async function runStudio(file: string): Promise<Measurement> {
  const out = path.join(CACHE, `table-${process.pid}`);
  const phases: NonNullable<Measurement["phases"]> = [];
  const cpu = process.cpuUsage();
  let t = performance.now();
  const lap = async (name: string) => {
    const now = performance.now();
    phases.push({ name, seconds: (now - t) / 1000, peakBytes: await peakRssBytes() });
    t = performance.now();
  };
  const table = await parseCsvFile(file);
  await lap("parse");
  const types = inferColumnTypes(table);
  await lap("infer");
  profileTable(table, types);
  await lap("profile");
  await saveTable(out, table, types);
  await lap("save");
  // computed at upload too (writeLabelOptions, writeDatasetWarnings), so they are part of the path being measured
  computeLabelOptions(table, types);
  await lap("label options");
  datasetWarnings(table, types);
  await lap("warnings");
  const seconds = phases.reduce((sum, p) => sum + p.seconds, 0);
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const peakBytes = await peakRssBytes();
  await fs.rm(out, { recursive: true, force: true });
  return { seconds, cpuSeconds, rows: table.rowCount, peakBytes, phases };
}

async function peakRssBytes(): Promise<number> {
  const m = /VmHWM:\s+(\d+) kB/.exec(await fs.readFile("/proc/self/status", "utf8"));
  if (!m) throw new Error("no VmHWM in /proc/self/status");
  return Number(m[1]) * 1024;
}

/** Runs a measuring child and parses the JSON line it prints last. */
async function runChild(command: string, args: string[]): Promise<unknown> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  const code: number = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (c) => resolve(c ?? 1));
  });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}`);
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

/**
 * The CSV of about `targetBytes`, from the cache when its marker matches this generator and its bytes still hash
 * to the marker's (which also brings the file into the page cache, so neither run pays for a cold disk).
 */
async function cachedCsv(targetBytes: number): Promise<{ file: string; marker: Marker }> {
  const name = `ingest-${Math.round(targetBytes / MB)}mb`;
  const file = path.join(CACHE, `${name}.csv`);
  const markerFile = path.join(CACHE, `${name}.json`);
  const cached = await fs
    .readFile(markerFile, "utf8")
    .then((s) => Marker.parse(JSON.parse(s)))
    .catch(() => null);
  if (cached && cached.version === GENERATOR_VERSION && cached.seed === SEED && cached.targetBytes === targetBytes) {
    const size = await fs.stat(file).then((s) => s.size, () => -1);
    if (size === cached.bytes && (await sha256Of(file)) === cached.sha256) return { file, marker: cached };
  }
  console.log(`generating ${file} (${Math.round(targetBytes / MB)} MB, seed ${SEED})...`);
  await fs.mkdir(CACHE, { recursive: true });
  const marker = await generateCsv(file, targetBytes);
  await fs.writeFile(markerFile, JSON.stringify(marker, null, 1));
  return { file, marker };
}

/** Writes whole rows until the file reaches `targetBytes`; the label leans on two features so it is learnable. */
async function generateCsv(file: string, targetBytes: number): Promise<Marker> {
  const rng = createRng(SEED);
  const header = [
    ...Array.from({ length: NUMERIC_COLUMNS }, (_, i) => `num_${i + 1}`),
    ...Array.from({ length: CATEGORICAL_COLUMNS }, (_, i) => `cat_${i + 1}`),
    "label",
  ];
  const tmp = `${file}.tmp`;
  const fh = await fs.open(tmp, "w");
  const hash = createHash("sha256");
  let bytes = 0;
  let rows = 0;
  let block: string[] = [header.join(",") + "\n"];
  let blockBytes = block[0].length;
  const flush = async () => {
    const buf = Buffer.from(block.join(""), "latin1");
    hash.update(buf);
    await fh.write(buf);
    bytes += buf.length;
    block = [];
    blockBytes = 0;
  };
  try {
    const cells: string[] = new Array(header.length);
    while (bytes + blockBytes < targetBytes) {
      let score = 0;
      for (let c = 0; c < NUMERIC_COLUMNS; c++) {
        const v = rng.normal(c, 1 + c / 4);
        if (c < 2) score += v - c;
        cells[c] = v.toFixed(5);
      }
      for (let c = 0; c < CATEGORICAL_COLUMNS; c++) cells[NUMERIC_COLUMNS + c] = rng.choice(CATEGORY_VALUES);
      cells[header.length - 1] = score + rng.normal(0, 1) > 0 ? "1" : "0";
      const line = cells.join(",") + "\n";
      block.push(line);
      blockBytes += line.length;
      rows++;
      if (blockBytes >= 4 * MB) await flush();
    }
    await flush();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
  return { version: GENERATOR_VERSION, seed: SEED, targetBytes, bytes, rows, sha256: hash.digest("hex") };
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MB })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
