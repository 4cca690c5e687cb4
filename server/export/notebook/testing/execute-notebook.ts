import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

/** Debian's jupyter-nbconvert (python3-ipykernel, see .ci/run); tests that execute notebooks skip when it is missing */
export const NBCONVERT = "/usr/bin/jupyter-nbconvert";
export const hasNbconvert = fs.existsSync(NBCONVERT);

/**
 * Executes a notebook headless with nbconvert, in the notebook's own folder (so relative paths in it resolve there), and
 * returns the text of every output of every code cell, in order. Any failing cell rejects with nbconvert's message,
 * which ends with the Python traceback.
 */
export async function executeNotebook(notebookPath: string, opts: { timeoutS?: number } = {}): Promise<string> {
  const timeoutS = opts.timeoutS ?? 600;
  const outDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "nbexec-"));
  try {
    await promisify(execFile)(
      NBCONVERT,
      ["--to", "notebook", "--execute", `--ExecutePreprocessor.timeout=${timeoutS}`, "--output-dir", outDir, notebookPath],
      {
        cwd: path.dirname(notebookPath),
        timeout: (timeoutS + 60) * 1000,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, PYTHONHASHSEED: "0", OMP_NUM_THREADS: "1" },
      },
    ).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`nbconvert failed: ${(err.stderr || err.message).slice(-8000)}`);
    });
    const executed = JSON.parse(await fs.promises.readFile(path.join(outDir, path.basename(notebookPath)), "utf8")) as {
      cells: { outputs?: { text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string }[] }[];
    };
    const text = (v: unknown) => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");
    return executed.cells
      .flatMap((c) => c.outputs ?? [])
      .map((o) => text(o.text) + text(o.data?.["text/plain"]) + (o.ename ? `${o.ename}: ${o.evalue}` : ""))
      .join("\n");
  } finally {
    await fs.promises.rm(outDir, { recursive: true, force: true });
  }
}
