import fs from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeNotebook, hasNbconvert, HOSTILE_CLASSES, SKIP_REASON, HOSTILE_FILE_NAME, HOSTILE_LABEL, hostileCsv } from "../export/notebook/testing/notebook-fixtures";
import { getDatasetNotebook } from "./get-dataset-notebook";
import { bodyOf, statusOf, tempContext } from "./test-context";
import { uploadDataset } from "./upload-dataset";

const CREDIT_G = path.join(process.cwd(), "..", "shared", "datasets", "credit-g.csv");

let ctx: Awaited<ReturnType<typeof tempContext>>;
beforeEach(async () => {
  ctx = await tempContext();
});
afterEach(async () => ctx.dispose());

type Nb = { cells: { cell_type: string; source: string[] }[] };
const markdownOf = (notebook: string) =>
  (JSON.parse(notebook) as Nb).cells
    .filter((c) => c.cell_type === "markdown")
    .map((c) => c.source.join(""))
    .join("\n");

describe("get-dataset-notebook", () => {
  it("answers 404 for an unknown dataset and 400 for a column that is not there", async () => {
    const ds = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("a,b\n1,x\n2,y\n3,x\n") });
    expect(await statusOf(getDatasetNotebook(ctx, "nope"))).toBe(404);
    expect(await statusOf(getDatasetNotebook(ctx, ds.id, { label: "zz" }))).toBe(400);
    const plain = await getDatasetNotebook(ctx, ds.id, { label: "" });
    expect(plain.fileName).toBe("d-exploration.ipynb");
    expect(markdownOf(plain.notebook)).not.toContain("## The label");
  });

  it("lists the dataset's and the label's checks with their suggested actions", async () => {
    // an identifier, a constant, a leak (the outcome under another name), severe imbalance, repeated rows
    const lines = ["id,feature,status_code,const,score,outcome"];
    for (let i = 0; i < 200; i++) {
      const j = i < 180 ? i : i - 20;
      const outcome = j % 45 === 0 ? "rare" : j % 3 === 0 ? "b" : "a";
      lines.push(`${i + 1},${(outcome === "b" ? 3 : 0) + (j % 5)},${outcome.toUpperCase()},1,${j / 4},${outcome}`);
    }
    const ds = await uploadDataset(ctx, { fileName: "checks.csv", body: bodyOf(`${lines.join("\n")}\n`) });
    const md = markdownOf((await getDatasetNotebook(ctx, ds.id, { label: "outcome" })).notebook);
    for (const kind of ["identifier", "constant column", "duplicated rows", "class imbalance", "leakage suspect"]) expect(md).toContain(`**${kind}**`);
    expect(md.match(/Suggested action:/g)?.length).toBeGreaterThanOrEqual(5);
    expect(md).toContain("| rare | 4 | 2.0% |");
    expect(md).toMatch(/\| status\\_code \| 1\.000 \|/);

    // a regression label: its distribution instead of classes
    const regression = await getDatasetNotebook(ctx, ds.id, { label: "score", problemType: "regression" });
    expect(markdownOf(regression.notebook)).toContain("## The label: score (regression)");
    if (hasNbconvert) {
      const { outputs } = await executeNotebook(ctx.dir, regression, { "checks.csv": `${lines.join("\n")}\n` });
      expect(outputs).toContain("Every statistic matches the studio's profile");
      expect(outputs).toContain("20 duplicated rows");
      expect(outputs).toMatch(/count\s+200\.0/);
    }
  });

  it.skipIf(!hasNbconvert)(`credit-g with its label: runs headless and recomputes the studio's statistics and class balance${SKIP_REASON}`, async () => {
    const bytes = await fs.readFile(CREDIT_G);
    const ds = await uploadDataset(ctx, { fileName: "credit-g.csv", body: bodyOf(bytes) });
    const notebook = await getDatasetNotebook(ctx, ds.id, { label: "class" });
    expect(notebook.fileName).toBe("credit-g-exploration.ipynb");
    expect(markdownOf(notebook.notebook)).toContain("| good | 700 | 70.0% |");
    const { outputs } = await executeNotebook(ctx.dir, notebook, { [ds.name]: bytes });
    expect(outputs).toContain(`SHA-256 matches the studio's: ${ds.sha256}`);
    expect(outputs).toContain("1000 rows x 21 columns");
    expect(outputs).toMatch(/Every statistic matches the studio's profile \(\d+ checked/);
    expect(outputs).toMatch(/good\s+700\s+0\.7\n/);
    expect(outputs).toContain("The class counts match the studio's.");
  });

  it.skipIf(!hasNbconvert)(`a Windows-1252 file with semicolons, dates in two orders, gaps, an identifier and free text${SKIP_REASON}`, async () => {
    const rows = ["when;day;amount;ville;y;id;note"];
    for (let i = 0; i < 50; i++) {
      const amount = i % 6 === 0 ? "" : (i * 1.25).toFixed(2);
      const town = ["Zürich", "Genève", "café crème", "NA"][i % 4];
      rows.push(`2024-0${1 + (i % 9)}-1${i % 10}T0${i % 10}:30:00Z;${13 + (i % 15)}/0${1 + (i % 9)}/2023;${amount};${town};${i % 2 ? "oui" : "non"};${i + 1000};free text number ${i} with many words in it`);
    }
    const bytes = Buffer.from(`${rows.join("\r\n")}\r\n`, "latin1");
    const ds = await uploadDataset(ctx, { fileName: "dates;latin1.csv", body: bodyOf(bytes) });
    expect(ds.columns.map((c) => c.type)).toEqual(["datetime", "datetime", "numeric", "categorical", "categorical", "identifier", "text"]);
    const { outputs } = await executeNotebook(ctx.dir, await getDatasetNotebook(ctx, ds.id, { label: "y" }), { [ds.name]: bytes });
    expect(outputs).toContain("50 rows x 7 columns");
    expect(outputs).toMatch(/Every statistic matches the studio's profile \(\d+ checked/);
    expect(outputs).toContain("Genève");
  });

  it.skipIf(!hasNbconvert)(`a hostile CSV and file name: a safe download name, the notebook runs and executes nothing${SKIP_REASON}`, async () => {
    const csv = hostileCsv();
    const ds = await uploadDataset(ctx, { fileName: HOSTILE_FILE_NAME, body: bodyOf(csv) });
    expect(ds.name).toBe(HOSTILE_FILE_NAME);
    const notebook = await getDatasetNotebook(ctx, ds.id, { label: HOSTILE_LABEL });
    expect(notebook.fileName).toMatch(/^[A-Za-z0-9._-]+-exploration\.ipynb$/);
    const { work, outputs } = await executeNotebook(ctx.dir, notebook, { [ds.name]: csv });
    expect(outputs).toContain("60 rows x 14 columns");
    expect(outputs).toContain("Every statistic matches the studio's profile");
    expect(outputs).toContain("The class counts match the studio's.");
    for (const cls of HOSTILE_CLASSES) expect(outputs).toContain(cls);
    await expect(fs.access(path.join(work, "PWNED"))).rejects.toThrow();
    await expect(fs.access(path.join(process.cwd(), "PWNED"))).rejects.toThrow();
  });
});
