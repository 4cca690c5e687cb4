import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ColumnType, ProblemType } from "../../contracts/dataset";
import { inferColumnTypes } from "../../data/infer-types";
import { stringAt } from "../../data/column-values";
import { encodeLabel } from "../../data/label";
import { parseCsvFile } from "../../data/parse-csv";
import { fitTransform, transform, type PreprocessOptions, type PreprocessorState } from "../../data/preprocess";
import { applySelection, fitSelection, type SelectionMethod } from "../../data/selection/select";
import { dataset, tempDir } from "../../data/test-helpers";
import type { Task } from "../../models/family";
import { preprocessingPython } from "./preprocessing-code";
import { pyStr } from "./py-literal";
import { pythonSource } from "./python-source";
import { hasPython, runPython } from "./testing/run-python";

/** shown in the names of the tests that are skipped where Python is missing */
const NEEDS_PYTHON = "(runs the generated code: skipped without /usr/bin/python3 with numpy and pandas)";

const IMPUTATIONS = ["median", "mean", "most_frequent", "constant"] as const;
const ENCODINGS = ["onehot", "ordinal", "target"] as const;
const SCALINGS = ["standard", "robust", "none"] as const;
const ALL_COMBOS: PreprocessOptions[] = IMPUTATIONS.flatMap((imputation) =>
  ENCODINGS.flatMap((encoding) => SCALINGS.map((scaling) => ({ imputation, encoding, scaling }))),
);
/** each option at least once, for the larger files */
const SOME_COMBOS: PreprocessOptions[] = ALL_COMBOS.filter((_, i) => i % 7 === 0);

interface Case {
  name: string;
  csv: string;
  label: string;
  problemType: ProblemType;
  /** types set by hand, as a run's column-type overrides */
  overrides?: Record<string, ColumnType>;
  combos: PreprocessOptions[];
  /** feature selection for every n-th combo */
  selection?: { method: SelectionMethod; every: number };
}

interface PythonResult {
  cases: { index: number; shape: number[]; mismatches: number; first: string | null; label: boolean }[];
  markers: string[];
}

/**
 * Fits the studio's preprocessing on the case's file for each combination, writes its transform of every row (after the
 * selection) as float32 and the generated code, and runs all of them in one Python process on the same CSV: that
 * process reads the file with read_studio_csv, runs each plan, compares the bytes, encodes the label and runs
 * check_preprocessing on the same training rows.
 */
async function runCase(c: Case, dir: string, v1 = false): Promise<PythonResult> {
  const table = await parseCsvFile(c.csv);
  const types = inferColumnTypes(table).map((t) => ({ ...t, type: c.overrides?.[t.name] ?? t.type }));
  const { y, classes, rowsWithLabel } = encodeLabel(table, c.label, c.problemType);
  const task: Task = { type: c.problemType, classes };
  // 70% of the labelled rows, as a split's training rows
  const trainRows = Array.from(rowsWithLabel).filter((r) => (r * 7) % 10 < 7);
  for (const [i, options] of c.combos.entries()) {
    const fitted = fitTransform(table, types, { label: c.label, trainRows, options, target: { y, task }, seed: 11 });
    const state: PreprocessorState = v1 ? toVersion1(fitted.state) : fitted.state;
    let x = transform(state, table);
    let selection = null;
    if (c.selection && i % c.selection.every === 0) {
      const train = transform(state, table, trainRows);
      selection = fitSelection({ x: train, y: Float32Array.from(trainRows, (r) => y[r]), task, featureNames: state.featureNames, method: c.selection.method, seed: 3 });
      if (selection.method !== "none") x = applySelection(selection, x);
    }
    await fs.writeFile(path.join(dir, `${i}.f32`), new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength));
    await fs.writeFile(path.join(dir, `${i}.py`), preprocessingPython(state, selection, c.label, task));
  }
  await fs.writeFile(path.join(dir, "y.f32"), new Uint8Array(y.buffer));
  await fs.writeFile(path.join(dir, "train_rows.json"), JSON.stringify(trainRows));
  const out = await runPython(`${pythonSource("data")}\n${DRIVER}`, { cwd: dir, args: [c.csv, String(c.combos.length)], timeoutMs: 60_000 });
  return JSON.parse(out.trim().split("\n").pop()!) as PythonResult;
}

const DRIVER = `
import json, os, sys

csv_path, count = sys.argv[1], int(sys.argv[2])
frame = read_studio_csv(csv_path)
train_rows = json.load(open("train_rows.json"))
y_studio = np.fromfile("y.f32", dtype="<f4")
results = []
for i in range(count):
    plan = dict(globals())
    exec(open(f"{i}.py", encoding="utf-8").read(), plan)
    got = plan["select_features"](plan["preprocess"](frame))
    want = np.fromfile(f"{i}.f32", dtype="<f4").reshape(got.shape[0], -1)
    same_shape = got.shape == want.shape and got.dtype == np.float32
    bad = np.argwhere(got.view(np.uint32) != want.view(np.uint32)) if same_shape else np.zeros((1, 2), dtype=int)
    first = None
    if len(bad):
        r, j = bad[0]
        first = f"row {r} {plan['KEPT_FEATURES'][j]!r}: python {got[r, j]!r}, studio {want[r, j]!r}" if same_shape else f"shape {got.shape} vs {want.shape}"
    y = plan["encode_label"](frame)
    if y.dtype == np.int64:
        label_ok = bool(np.array_equal(np.where(np.isnan(y_studio), -1, np.nan_to_num(y_studio)).astype(np.int64), y))
    else:
        label_ok = bool(np.array_equal(y, y_studio, equal_nan=True))
    plan["check_preprocessing"](frame, train_rows)
    results.append({"index": i, "shape": list(got.shape), "mismatches": int(len(bad)), "first": first, "label": label_ok})
print(json.dumps({"cases": results, "markers": sorted(f for f in os.listdir(".") if f.startswith("pwned"))}))
`;

/** the same fitted numbers in version 1's form (median, one-hot, standard; no text), as old archives hold them */
function toVersion1(state: PreprocessorState): PreprocessorState {
  if (state.version !== 2) return state;
  const legacy = (s: { fill: number; center: number; scale: number }) => ({ median: s.fill, mean: s.center, std: s.scale });
  const columns = state.columns.map((step) => {
    switch (step.kind) {
      case "numeric":
        return { kind: step.kind, name: step.name, ...legacy(step), missingIndicator: step.missingIndicator };
      case "categorical":
        return { kind: step.kind, name: step.name, categories: step.categories, minCount: step.minCount };
      case "datetime":
        return { ...step, parts: step.parts.map((p) => ({ part: p.part, ...legacy(p) })) };
      case "text":
        throw new Error("version 1 has no text step");
      default:
        return step;
    }
  });
  return { version: 1, label: state.label, columns, featureNames: state.featureNames };
}

function expectExact(result: PythonResult, combos: number) {
  expect(result.cases).toHaveLength(combos);
  for (const r of result.cases) {
    expect(r.first, `combination ${r.index}`).toBeNull();
    expect(r.mismatches).toBe(0);
    expect(r.label).toBe(true);
  }
}

const dirs: string[] = [];
const fresh = async () => {
  const dir = await tempDir();
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await Promise.all(dirs.map((d) => fs.rm(d, { recursive: true, force: true })));
});

const DATASETS: Case[] = [
  // categorical (string and integer codes), a yes/no column; duration and credit_amount as categories of numbers
  // give target encoding (over 10 categories) on number-stored columns
  {
    name: "credit-g",
    csv: dataset("credit-g.csv"),
    label: "class",
    problemType: "binary",
    overrides: { duration: "categorical" },
    combos: ALL_COMBOS,
    selection: { method: "mutual_info", every: 5 },
  },
  // semicolons, free text (Name), missing Horsepower, dates (Year), regression with 8 missing labels
  { name: "cars", csv: dataset("cars.csv"), label: "Miles_per_Gallon", problemType: "regression", overrides: { Weight_in_lbs: "categorical" }, combos: ALL_COMBOS },
  // 0/1 and Yes/No columns, 11 blank total_charges
  { name: "telco-churn", csv: dataset("telco-churn.csv"), label: "churn", problemType: "binary", combos: SOME_COMBOS, selection: { method: "l1", every: 2 } },
  // a YYYY/MM/DD date column; multiclass target encoding of temperatures read as categories
  { name: "seattle-weather", csv: dataset("seattle-weather.csv"), label: "weather", problemType: "multiclass", overrides: { temp_max: "categorical" }, combos: SOME_COMBOS },
];

describe.skipIf(!hasPython)(`preprocessingPython on real datasets ${NEEDS_PYTHON}`, () => {
  for (const c of DATASETS) {
    it(`${c.name}: the Python matrix and labels equal the studio's, bit for bit, and the refit matches`, async () => {
      expectExact(await runCase(c, await fresh()), c.combos.length);
    }, 60_000);
  }

  it("reads a version 1 state (median, one-hot, standard) the same way", async () => {
    const c = { ...DATASETS[0], overrides: undefined, combos: [{ imputation: "median", encoding: "onehot", scaling: "standard" } as const] };
    expectExact(await runCase(c, await fresh(), true), 1);
  }, 30_000);
});

describe.skipIf(!hasPython)(`preprocessingPython on a hostile CSV ${NEEDS_PYTHON}`, () => {
  it("keeps every header and value data: the code runs, reproduces the matrix and executes nothing", async () => {
    const dir = await fresh();
    const csv = path.join(dir, "hostile.csv");
    await fs.writeFile(csv, hostileCsv());
    const overrides = { [HEADERS[5]]: "text" as const, [HEADERS[1]]: "categorical" as const };
    const result = await runCase({ name: "hostile", csv, label: HEADERS[7], problemType: "multiclass", overrides, combos: ALL_COMBOS }, dir);
    expectExact(result, ALL_COMBOS.length);
    expect(result.markers).toEqual([]);
    const code = await fs.readFile(path.join(dir, "0.py"), "utf8");
    // the payloads are in the code only as escaped literals
    expect(code).not.toContain('os.system("touch pwned');
    expect(code).toContain(pyStr(HEADERS[2]));
  }, 60_000);

  it("reads a Windows-1252 file as the studio does", async () => {
    const dir = await fresh();
    const csv = path.join(dir, "latin.csv");
    const rows = Array.from({ length: 40 }, (_, i) => [Buffer.from(["caf\xe9", "\x80uro", "na\xefve", "x\x81y"][i % 4], "latin1"), Buffer.from(`,${i % 3},${i % 2 ? "oui" : "non"}\r\n`)]);
    await fs.writeFile(csv, Buffer.concat([Buffer.from("mot,n,label\r\n"), ...rows.flat()]));
    expectExact(await runCase({ name: "latin", csv, label: "label", problemType: "binary", combos: SOME_COMBOS }, dir), SOME_COMBOS.length);
  }, 30_000);
});

/** files whose reading has a rule to get right: quotes, whitespace, line endings, delimiters, numbers, dates, encodings */
const QUIRKS: Record<string, string | Buffer> = {
  space_after_quote: 'a,b\n"x"  ,y\n"p q" ,"r"\n',
  quote_inside_value: 'a,b\n x "y",z\nab"c,d\n',
  blank_lines_no_final_newline: "a,b\n1,2\n   \n\n3,4",
  cr_only: 'a,b\r1,2\r"x\ry",3\r',
  js_whitespace: "a,b\n\u00a0x\u2003,\x1cy\x1c\n\u0085z\u0085,\ufeffw\ufeff\n",
  sniffed_semicolon: 'a;b;c\n"1,5";2;x,y\n3;4;z\n',
  sniffed_tab_quoted: 'a\tb\tc\n1\t"2\t3"\t4\n',
  bom_blank_header: '\ufeff"a","b ", \n1,2,3\n',
  numbers: "a,b\n1.50,-0\n1e3,+5\n.5,007\n1e400,0x10\n1e21,1.5e-7\n",
  dates: "a,b,c\n0050-01-02,12/31/1999,13/01/2000\n1999-12-31T23:59:59.999Z,01/02/2003,02/03/2004\n2000-01-01T00:00+05:30,,x\n",
  late_invalid_utf8: Buffer.concat([Buffer.from("a,b\n" + "é,1\n".repeat(20000)), Buffer.from("\xff,2\n", "latin1")]),
};

describe.skipIf(!hasPython)(`read_studio_csv ${NEEDS_PYTHON}`, () => {
  it("reads the cells, and how each column is stored, as the studio's parser does", async () => {
    const dir = await fresh();
    const studio: Record<string, unknown> = {};
    for (const [name, content] of Object.entries(QUIRKS)) {
      await fs.writeFile(path.join(dir, `${name}.csv`), content);
      const t = await parseCsvFile(path.join(dir, `${name}.csv`));
      const kinds = t.columns.map((c) => (c.kind === "number" ? (t.formats[c.name] === "datetime" ? "datetime" : "number") : "string"));
      studio[name] = { header: t.header, kinds, cells: t.columns.map((c) => Array.from({ length: t.rowCount }, (_, r) => stringAt(c)(r))) };
    }
    const out = await runPython(
      `${pythonSource("data")}
import json, sys
read = {}
for name in json.loads(sys.argv[1]):
    f = read_studio_csv(name + ".csv")
    read[name] = {"header": list(f.columns), "kinds": [column_storage(f[c].tolist())[0] for c in f.columns], "cells": [cell_strings(f, c) for c in f.columns]}
print(json.dumps(read))`,
      { cwd: dir, args: [JSON.stringify(Object.keys(QUIRKS))] },
    );
    expect(JSON.parse(out)).toEqual(studio);
  }, 30_000);
});

/** headers that try to end a string literal, a comment or a docstring, and run code */
const HEADERS = [
  '"); import os; os.system("touch pwned1"); ("',
  "class",
  "new\nline # {x} \\ '''; import os; os.system('touch pwned2'); '''",
  'None """; import os; os.system("touch pwned3"); """',
  " café 😀 שלום ",
  "def",
  "import\\",
  'label "\\N{BULLET}" {0}',
];

const VALUES = [
  'say "hi"',
  '"""',
  "'''",
  "back\\slash",
  "two\nlines",
  "cr\ronly",
  "# not a comment",
  "{} {0} %s",
  "Ünïcødé 😀",
  "עברית RTL",
  "None",
  "import",
  '"); import os; os.system("touch pwned4"); ("',
  "1.50",
  "007",
];

function quote(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** a BOM, CRLF line endings, a blank line, quoted cells with quotes and newlines, padding spaces, missing cells */
function hostileCsv(): string {
  const rows = [HEADERS.map(quote).join(",")];
  for (let i = 0; i < 90; i++) {
    const v = (k: number) => VALUES[(i * k + k) % VALUES.length];
    rows.push(
      [
        i % 11 === 0 ? "" : String((i * 37) % 23) + "." + String(i % 10),
        String((i * 5) % 13),
        quote(v(1)),
        i % 9 === 0 ? "NA" : ["yes", "No", "Y", "n"][i % 4],
        `  ${["2021-03-04T05:06:07Z", "2020-12-31 23:59", "2022-02-28T12:00:00.5+02:00", "1999-01-01"][i % 4]}  `,
        quote(`${v(2)} and ${v(3)} ${i % 5 === 0 ? v(4) : ""}`),
        i % 13 === 0 ? "?" : quote(v(5)),
        quote(['"""', "it's \"q\"", "\n# line", "ℵ"][i % 4]),
      ].join(","),
    );
    if (i === 40) rows.push("");
  }
  return `\uFEFF${rows.join("\r\n")}\r\n`;
}
