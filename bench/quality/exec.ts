/** Child processes for `npm run bench:quality`: one at a time, with a time limit, killed with all their children. */
import { spawn } from "node:child_process";
import fs from "node:fs";

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  timedOut: boolean;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutS: number;
  /** stdout and stderr are also written here, as they come */
  logFile?: string;
}

/** the process group running now, so that Ctrl-C (or a time limit) ends the studio's worker processes too */
let running: number | null = null;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

/** Ctrl-C (or SIGTERM) ends the running command's whole process group before the bench exits. */
export function killChildrenOnSignal(): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (running !== null) killGroup(running);
      process.exit(130);
    });
  }
}

/** Runs a command to its end (or its time limit); never throws for a failing command, only reports it. */
export function execute(command: string, args: readonly string[], opts: ExecOptions): Promise<Finished> {
  const started = performance.now();
  const log = opts.logFile ? fs.createWriteStream(opts.logFile) : null;
  return new Promise((resolve) => {
    // its own process group: a time limit kills what it started as well
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      log?.write(s);
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
      log?.write(s);
    });
    if (child.pid !== undefined) running = child.pid;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, opts.timeoutS * 1000);
    const done = (code: number | null, error?: Error) => {
      clearTimeout(timer);
      running = null;
      if (error) stderr += `${error.message}\n`;
      log?.end();
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000, timedOut });
    };
    child.on("error", (err) => done(null, err));
    child.on("close", (code) => done(code));
  });
}

/** what went wrong, in a line or two: the time limit, or the end of stderr (else stdout) */
export function failure(what: string, f: Finished): string {
  if (f.timedOut) return `${what}: killed after ${f.seconds.toFixed(0)} s (time limit)`;
  const tail = (f.stderr.trim() || f.stdout.trim()).split("\n").slice(-3).join(" | ");
  return `${what} exited with ${f.code}${tail ? `: ${tail.slice(-600)}` : ""}`;
}
