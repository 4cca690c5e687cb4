/** Fixtures for the tests that execute generated notebooks: headless execution and a hostile CSV. */
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

/** Debian's jupyter-nbconvert (see .ci/run); tests that execute notebooks skip, saying why, when it is missing */
export const NBCONVERT = "/usr/bin/jupyter-nbconvert";
export const hasNbconvert = fs.existsSync(NBCONVERT);
/** appended to the name of a test that executes notebooks: says why it is skipped, when it is */
export const SKIP_REASON = hasNbconvert ? "" : ` (skipped: ${NBCONVERT} is missing; apt-get install jupyter-nbconvert python3-ipykernel python3-pandas)`;

export interface ExecutedNotebook {
  /** every output of every code cell (stream text, text/plain results, error values), in order */
  outputs: string;
  /** the executed notebook */
  json: { cells: { cell_type: string; outputs?: { output_type: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string; evalue?: string }[] }[] };
}

/**
 * Executes the notebook `fileName` in `dir` (its working directory) headless with nbconvert; any failing cell rejects
 * with nbconvert's message (the Python traceback).
 */
export async function runNotebook(dir: string, fileName: string, timeoutS = 120): Promise<ExecutedNotebook> {
  const outDir = path.join(dir, "executed");
  try {
    await promisify(execFile)(
      NBCONVERT,
      ["--to", "notebook", "--execute", `--ExecutePreprocessor.timeout=${timeoutS}`, "--output-dir", outDir, path.join(dir, fileName)],
      { cwd: dir, timeout: (timeoutS + 60) * 1000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PYTHONHASHSEED: "0", OMP_NUM_THREADS: "1" } },
    );
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`nbconvert failed: ${(e.stderr || e.message).slice(-6000)}`);
  }
  const json = JSON.parse(fs.readFileSync(path.join(outDir, fileName), "utf8")) as ExecutedNotebook["json"];
  const text = (v: unknown) => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");
  const outputs = json.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => text(o.text) + text(o.data?.["text/plain"]) + (o.ename ? `${o.ename}: ${o.evalue}` : ""))
    .join("\n");
  return { outputs, json };
}

/**
 * Writes the notebook and the files beside it (as a user downloads them) to a new folder under `parent` and executes
 * it there.
 */
export async function executeNotebook(parent: string, notebook: { fileName: string; notebook: string }, files: Record<string, string | Buffer> = {}): Promise<ExecutedNotebook & { work: string }> {
  const work = await fs.promises.mkdtemp(path.join(parent, "nb-"));
  for (const [name, data] of Object.entries(files)) await fs.promises.writeFile(path.join(work, name), data);
  await fs.promises.writeFile(path.join(work, notebook.fileName), notebook.notebook);
  return { work, ...(await runNotebook(work, notebook.fileName)) };
}

/** a CSV field, always quoted (quotes doubled), so any text survives */
const field = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** the injection attempt: ends a double-quoted literal and runs a shell command, if anything pastes it into code */
export const INJECTION = '"); import os; os.system("touch PWNED"); ("';

/** header names that would break generated code or markdown if they were pasted in rather than escaped */
export const HOSTILE_HEADERS = [
  'quote"d',
  "'''triple single'''",
  '"""triple double"""',
  "back\\slash\\",
  "new\nline",
  "# hash {} {0} %s",
  "ünï ☃ 𝔘 \u202ertl",
  "class",
  "None",
  INJECTION,
  "$x$ <b>bold</b> [link](http://x)",
];
export const HOSTILE_LABEL = 'lab"el\\';
export const HOSTILE_VALUES = [INJECTION, "'''", '"""', "\\", "a\nb", "#x", "{}", "ü☃𝔘", "None", "lambda", "$a$", "<script>x</script>", "|pipe|"];
export const HOSTILE_CLASSES = ['yes"""', "no'''\\"];
/** a file name that is also an injection attempt (no slash: the studio keeps only the last path part) */
export const HOSTILE_FILE_NAME = `evil"''');import os;os.system("touch PWNED") #{} ☃.csv`;

/**
 * A CSV whose headers and values hold quotes, triple quotes, backslashes, newlines, #, {}, unicode, Python keywords and
 * an injection attempt; a numeric column with missing values, a column mixing codes with numbers, and a two-class
 * label (HOSTILE_LABEL) that the other columns partly predict.
 */
export function hostileCsv(rows = 60): string {
  const header = [...HOSTILE_HEADERS, "{amount}", "codes 'n' numbers", HOSTILE_LABEL];
  const lines = [header.map(field).join(",")];
  for (let r = 0; r < rows; r++) {
    const cls = r % 3 === 0 ? 1 : 0;
    const values = HOSTILE_HEADERS.map((_, c) => HOSTILE_VALUES[(r * (c + 1) + c) % HOSTILE_VALUES.length]);
    values[0] = HOSTILE_VALUES[cls * 3 + (r % 2)];
    const amount = r % 7 === 3 ? "NA" : String(cls * 10 + ((r * 37) % 11) + 0.25 * (r % 4));
    const codes = ["007", "1.50", "x y", "-0", "2e3"][r % 5];
    lines.push([...values, amount, codes, HOSTILE_CLASSES[cls]].map(field).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}
