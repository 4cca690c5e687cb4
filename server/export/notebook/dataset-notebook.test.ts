import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetDto } from "../../contracts/dataset";
import { datasetWarnings } from "../../data/guardrails";
import { inferColumnTypes } from "../../data/infer-types";
import { parseCsvFile } from "../../data/parse-csv";
import { profileTable } from "../../data/profile";
import { DEFAULT_MISSING_TOKENS } from "../../data/values";
import { datasetNotebook, datasetNotebookCells, type DatasetNotebookInput } from "./dataset-notebook";
import { hasNbconvert, HOSTILE_FILE_NAME, HOSTILE_HEADERS, hostileCsv, INJECTION, SKIP_REASON, runNotebook } from "./testing/notebook-fixtures";

const CREDIT_G = path.join(process.cwd(), "..", "shared", "datasets", "credit-g.csv");

/** the notebook's input as the studio computes it at upload (parse, infer, profile, checks), without a database */
async function inputFor(csvPath: string, name: string): Promise<DatasetNotebookInput> {
  const table = await parseCsvFile(csvPath);
  const types = inferColumnTypes(table);
  const dataset: DatasetDto = {
    id: "d1",
    name,
    sizeBytes: table.sizeBytes,
    rowCount: table.rowCount,
    columnCount: table.columns.length,
    sha256: table.sha256,
    columns: profileTable(table, types),
    createdAt: new Date(0).toISOString(),
  };
  return { dataset, dialect: { delimiter: table.delimiter, encoding: table.encoding }, missingTokens: DEFAULT_MISSING_TOKENS, warnings: datasetWarnings(table, types), label: null };
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "dataset-notebook-"));
});
afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

describe("dataset notebook: structure and escaping", () => {
  it("puts data in code only as escaped literals and in markdown only as escaped text", async () => {
    const csv = path.join(dir, "hostile-structure.csv");
    await fs.writeFile(csv, hostileCsv());
    const input = await inputFor(csv, HOSTILE_FILE_NAME);
    const cells = datasetNotebookCells(input);
    const codeText = cells.filter((c) => c.type === "code").map((c) => c.source).join("\n");
    const mdText = cells.filter((c) => c.type === "markdown").map((c) => c.source).join("\n");
    // no header, value or the file name appears raw in code: only as pyStr literals (non-ASCII escaped, quotes backslashed)
    for (const raw of [INJECTION, HOSTILE_FILE_NAME, ...HOSTILE_HEADERS.filter((h) => /["\\\n]|[^\x20-\x7e]/.test(h))]) {
      expect(codeText).not.toContain(raw);
    }
    expect(codeText).toContain(String.raw`"\"); import os; os.system(\"touch PWNED\"); (\""`);
    // markdown shows HTML as text and never lets a value open a table cell, a link or a heading
    expect(mdText).not.toContain("<b>");
    expect(mdText).not.toContain("<script>");
    expect(mdText).toContain("&lt;b&gt;bold&lt;/b&gt;");
    expect(mdText).toContain("\\[link\\]\\(http://x\\)");
    // the same input gives the same bytes
    expect(datasetNotebook(input)).toBe(datasetNotebook(input));
    const nb = JSON.parse(datasetNotebook(input)) as { nbformat: number; cells: { cell_type: string }[] };
    expect(nb.nbformat).toBe(4);
    expect(nb.cells.length).toBe(cells.length);
  });

  it("lists every data check with its suggested action", async () => {
    const csv = path.join(dir, "checks.csv");
    const rows = Array.from({ length: 40 }, (_, i) => `${i + 1},1,${i % 4 === 0 ? "" : i % 3},${i % 2 ? "a" : "b"}`);
    await fs.writeFile(csv, `row_id,constant,x,y\n${rows.join("\n")}\n${rows[0]}\n`);
    const input = await inputFor(csv, "checks.csv");
    const md = datasetNotebookCells(input)[1].source;
    expect(input.warnings.length).toBeGreaterThan(0);
    for (const w of input.warnings) expect(md).toContain(w.action.replace(/[\\`*_{}[\]()#+\-.!|~$"']/g, (ch) => `\\${ch}`));
    expect(md).toContain("Suggested action:");
    expect(md).toMatch(/\*\*constant column\*\* · constant/);
  });
});

describe.skipIf(!hasNbconvert)(`dataset notebook executed headless with jupyter-nbconvert${SKIP_REASON}`, () => {
  it("credit-g: checks the file's hash and recomputes the studio's statistics with pandas", async () => {
    const work = path.join(dir, "credit-g");
    await fs.mkdir(work);
    await fs.copyFile(CREDIT_G, path.join(work, "credit-g.csv"));
    await fs.writeFile(path.join(work, "explore.ipynb"), datasetNotebook(await inputFor(CREDIT_G, "credit-g.csv")));
    const { outputs } = await runNotebook(work, "explore.ipynb");
    expect(outputs).toMatch(/SHA-256 matches the studio's: [0-9a-f]{64}/);
    expect(outputs).toContain("1000 rows x 21 columns");
    expect(outputs).toMatch(/Every statistic matches the studio's profile \(\d+ checked/);
    expect(outputs).toContain("credit_amount");
    expect(outputs).toContain("0 duplicated rows");
  });

  it("a hostile CSV (quotes, triple quotes, backslashes, newlines, #, {}, unicode, keywords, an injection) runs and executes nothing", async () => {
    const work = path.join(dir, "hostile");
    await fs.mkdir(work);
    const csv = path.join(work, HOSTILE_FILE_NAME);
    await fs.writeFile(csv, hostileCsv());
    await fs.writeFile(path.join(work, "explore.ipynb"), datasetNotebook(await inputFor(csv, HOSTILE_FILE_NAME)));
    const { outputs } = await runNotebook(work, "explore.ipynb");
    expect(outputs).toContain("60 rows x 14 columns");
    expect(outputs).toMatch(/Every statistic matches the studio's profile/);
    await expect(fs.access(path.join(work, "PWNED"))).rejects.toThrow();
    await expect(fs.access(path.join(process.cwd(), "PWNED"))).rejects.toThrow();
  });

  it("refuses a different file: the hash check fails the notebook", async () => {
    const work = path.join(dir, "changed");
    await fs.mkdir(work);
    const input = await inputFor(CREDIT_G, "credit-g.csv");
    await fs.writeFile(path.join(work, "credit-g.csv"), `${await fs.readFile(CREDIT_G, "utf8")}\n`);
    await fs.writeFile(path.join(work, "explore.ipynb"), datasetNotebook(input));
    await expect(runNotebook(work, "explore.ipynb")).rejects.toThrow(/not the file the studio profiled/);
  });
});
