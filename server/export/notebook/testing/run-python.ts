import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";

/** Debian's interpreter, where python3-numpy/pandas/sklearn/torch and jupyter-nbconvert are installed (see .ci/run) */
export const PYTHON = "/usr/bin/python3";

/** whether the Python the notebooks need is here (it always is in CI; tests that need it say so when it is not) */
export const hasPython = fs.existsSync(PYTHON);

/**
 * Runs a Python script (its source as a string) with `cwd` as working directory and returns its stdout; a failing
 * script rejects with its stderr, so a test failure shows the Python traceback.
 */
export async function runPython(source: string, opts: { cwd?: string; timeoutMs?: number; args?: string[] } = {}): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(PYTHON, ["-c", source, ...(opts.args ?? [])], {
      cwd: opts.cwd,
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, PYTHONHASHSEED: "0", OMP_NUM_THREADS: "1" },
    });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`python failed: ${e.stderr || e.message}`);
  }
}
