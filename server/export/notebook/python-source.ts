import fs from "node:fs";
import path from "node:path";

/** The Python modules that notebooks inline, one per concern, kept as real .py files beside this one so they can be read and tested as Python. */
export type PythonModule = "data" | "rng" | "linear" | "trees" | "network" | "calibration" | "ensemble" | "metrics";

// resolved from the working directory (the repository root for the studio, the worker and the CLI): Next bundles server code, so import.meta.url does not point here
const DIR = path.join(process.cwd(), "server", "export", "notebook", "python");

/** the source of python/<name>.py */
export function pythonSource(name: PythonModule): string {
  return fs.readFileSync(path.join(DIR, `${name}.py`), "utf8");
}
