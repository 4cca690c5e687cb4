import { describe, expect, it } from "vitest";
import { createRng } from "../automl/rng";
import { DatasetWarning, LabelAssociation } from "../contracts/dataset";
import {
  datasetWarnings,
  duplicatedRows,
  fmtPct,
  labelWarnings,
  MIN_ROWS_FOR_LEAKAGE,
  normalisedMutualInformation,
  quantileBins,
  type Warning,
} from "./guardrails";
import { inferColumnTypes } from "./infer-types";
import { parseCsvFile } from "./parse-csv";
import type { Column, Table } from "./table";
import { dataset } from "./test-helpers";

const num = (name: string, values: number[]): Column => ({ name, kind: "number", values: Float64Array.from(values) });
function str(name: string, values: (string | null)[]): Column {
  const categories: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(values, (v) => {
    if (v === null) return -1;
    if (!index.has(v)) {
      index.set(v, categories.length);
      categories.push(v);
    }
    return index.get(v)!;
  });
  return { name, kind: "string", codes, categories };
}
const tableOf = (...columns: Column[]): Table => ({ rowCount: columns[0].kind === "number" ? columns[0].values.length : columns[0].codes.length, columns });
const kinds = (ws: Warning[]) => ws.map((w) => `${w.kind}:${w.column ?? "-"}`);
const valid = (ws: Warning[]) => ws.forEach((w) => DatasetWarning.parse(w));

/** n rows: a binary label (share `positive` of "yes"), and noise features */
function binaryTable(n: number, positive: number, seed = 1) {
  const rng = createRng(seed);
  const label = Array.from({ length: n }, () => (rng.float() < positive ? "yes" : "no"));
  const noise = Array.from({ length: n }, () => rng.normal());
  const color = Array.from({ length: n }, () => rng.choice(["red", "green", "blue"]));
  return { rng, label, noise, color };
}

describe("datasetWarnings", () => {
  it("flags identifiers, free text, constants, high and total missingness and duplicated rows, each with its action", () => {
    const n = 100;
    const rng = createRng(7);
    const table = tableOf(
      num("row", Array.from({ length: n }, (_, i) => i + 1)),
      str("comment", Array.from({ length: n }, (_, i) => `free text number ${i} about something`)),
      num("flat", Array.from({ length: n }, () => 3)),
      num("sparse", Array.from({ length: n }, (_, i) => (i < 60 ? NaN : rng.normal()))),
      str("empty", Array.from({ length: n }, () => null)),
      num("x", Array.from({ length: n }, (_, i) => i % 10)),
      str("y", Array.from({ length: n }, (_, i) => (i % 10 < 5 ? "a" : "b"))),
    );
    const ws = datasetWarnings(table, inferColumnTypes(table));
    valid(ws);
    expect(kinds(ws)).toEqual(["identifier:row", "identifier:comment", "constant:flat", "missing:sparse", "missing:empty"]);
    const by = (c: string) => ws.find((w) => w.column === c)!;
    expect(by("row").action).toMatch(/excluded from features/i);
    expect(by("comment").message).toMatch(/free text/);
    expect(by("comment").action).toMatch(/hashed word counts/i);
    expect(by("flat").message).toMatch(/single value \(3\)/);
    expect(by("sparse").message).toMatch(/60%/);
    expect(by("sparse").action).toMatch(/consider dropping/i);
    expect(by("empty").action).toBe("Dropped.");
  });

  it("counts rows that repeat an earlier row, ignoring identifier columns", () => {
    // x,y repeat every 10 rows: 90 of 100 rows are copies once the row number is ignored
    const n = 100;
    const table = tableOf(num("row", Array.from({ length: n }, (_, i) => i)), num("x", Array.from({ length: n }, (_, i) => (i % 10) * 1.5)), str("y", Array.from({ length: n }, (_, i) => `v${i % 10}`)));
    const ws = datasetWarnings(table, inferColumnTypes(table));
    const dup = ws.find((w) => w.kind === "duplicates")!;
    expect(dup.column).toBeNull();
    expect(dup.message).toMatch(/^90 rows repeat an earlier row exactly \(90% of rows\), ignoring the identifier column row\./);
    expect(dup.action).toMatch(/^Kept; consider removing/);
  });

  it("compares missing cells, -0 and 0 as equal and tells rows apart exactly", () => {
    const a = num("a", [1, NaN, 1, NaN, -0, 0, 2]);
    const b = str("b", ["x", null, "x", null, "z", "z", "x"]);
    expect(duplicatedRows(7, [a, b])).toBe(3); // row 2 = row 0, row 3 = row 1, row 5 = row 4
    expect(duplicatedRows(7, [num("c", [1, 2, 3, 4, 5, 6, 7])])).toBe(0);
  });

  it("says nothing about a clean table", () => {
    const { label, noise, color } = binaryTable(200, 0.4);
    const table = tableOf(num("noise", noise), str("color", color), str("label", label));
    expect(datasetWarnings(table, inferColumnTypes(table))).toEqual([]);
  });
});

describe("mutual information", () => {
  it("cuts numbers into quantile bins, a heavy value taking one bin and missing getting its own code", () => {
    const values = Float64Array.from([...Array<number>(90).fill(0), ...Array.from({ length: 10 }, (_, i) => i + 1), NaN]);
    const { codes, k } = quantileBins(values, 10);
    expect(codes[0]).toBe(0);
    expect(new Set(codes.slice(90, 100)).size).toBeGreaterThan(5); // the non-zero values are still told apart
    expect(codes[100]).toBe(k - 1);
    const few = quantileBins(Float64Array.from([3, 1, 2, 3, 1]), 10);
    expect([...few.codes]).toEqual([2, 0, 1, 2, 0]);
  });

  it("is 1 for a copy of the label, about 0 for independent or sparse many-valued columns", () => {
    const rng = createRng(3);
    const n = 1000;
    const y = { codes: Int32Array.from({ length: n }, () => rng.int(0, 2)), k: 3 };
    expect(normalisedMutualInformation(y, y, n)).toBeCloseTo(1, 6);
    const noise = { codes: Int32Array.from({ length: n }, () => rng.int(0, 4)), k: 5 };
    expect(normalisedMutualInformation(noise, y, n)).toBeLessThan(0.01);
    // 500 values seen twice each: the plug-in estimate alone would be large
    const pairs = { codes: Int32Array.from({ length: n }, (_, i) => i >> 1), k: n / 2 };
    expect(normalisedMutualInformation(pairs, y, n)).toBeLessThan(0.5);
    const constantLabel = { codes: new Int32Array(n), k: 1 };
    expect(normalisedMutualInformation(noise, constantLabel, n)).toBe(0);
  });
});

describe("labelWarnings", () => {
  it("flags a copy of the label and a threshold of it as leakage, not noise or a near-unique column", () => {
    const n = 400;
    const { rng, label, noise, color } = binaryTable(n, 0.3);
    const leakCopy = label.map((l) => `${l.toUpperCase()}!`);
    const leakScore = label.map((l) => (l === "yes" ? 10 + rng.float() : rng.float())); // separable by a threshold
    const nearUnique = Array.from({ length: n }, (_, i) => `k${Math.floor(i / 1.1)}`); // categorical, mostly singletons
    const table = tableOf(
      num("id", Array.from({ length: n }, (_, i) => i)),
      num("noise", noise),
      str("color", color),
      str("leak_copy", leakCopy),
      num("leak_score", leakScore),
      str("near_unique", nearUnique),
      str("label", label),
    );
    const types = inferColumnTypes(table);
    const report = labelWarnings(table, types, "label", "binary");
    valid(report.warnings);
    report.associations.forEach((a) => LabelAssociation.parse(a));
    expect(kinds(report.warnings)).toEqual(["leakage:leak_copy", "leakage:leak_score"]);
    expect(report.warnings[0].message).toMatch(/^leak_copy predicts label almost perfectly on its own/);
    expect(report.warnings[0].message).toMatch(/accuracy 100% from leak_copy alone, against [67]\d% for always predicting/);
    expect(report.warnings[0].action).toBe("Suspected leakage: remove it if it is not known at prediction time.");
    const mi = Object.fromEntries(report.associations.map((a) => [a.column, a.mutualInformation]));
    expect(mi.leak_copy).toBeCloseTo(1, 3);
    // a quantile bin straddles the threshold, so MI alone may fall short of 0.95: the single-feature accuracy catches it
    expect(mi.leak_score).toBeGreaterThan(0.9);
    expect(mi.noise).toBeLessThan(0.05);
    expect(mi.color).toBeLessThan(0.05);
    expect(mi.near_unique!).toBeLessThan(0.3);
    expect(mi.id).toBeNull(); // an identifier is not a feature
    expect(mi.label).toBeUndefined();
    // strongest first, non-features last
    expect(report.associations.map((a) => a.column).slice(0, 2)).toEqual(["leak_copy", "leak_score"]);
    expect(report.associations[report.associations.length - 1].column).toBe("id");
  });

  it("flags a regression feature that is a transform of the target", () => {
    const n = 300;
    const rng = createRng(11);
    const y = Array.from({ length: n }, () => rng.normal(50, 10));
    const table = tableOf(num("fahrenheit", y.map((v) => v * 1.8 + 32)), num("related", y.map((v) => v + rng.normal(0, 8))), num("noise", y.map(() => rng.normal())), num("target", y));
    const report = labelWarnings(table, inferColumnTypes(table), "target", "regression");
    expect(kinds(report.warnings)).toEqual(["leakage:fahrenheit"]);
    expect(report.warnings[0].message).toMatch(/R² (0\.99\d|1\.000) from fahrenheit alone/);
    const mi = Object.fromEntries(report.associations.map((a) => [a.column, a.mutualInformation!]));
    expect(mi.fahrenheit).toBeCloseTo(1, 3);
    expect(mi.related).toBeGreaterThan(mi.noise);
    expect(mi.related).toBeLessThan(0.5);
  });

  it("does not call leakage on too few rows", () => {
    const n = MIN_ROWS_FOR_LEAKAGE - 1;
    const label = Array.from({ length: n }, (_, i) => (i % 2 ? "a" : "b"));
    const table = tableOf(str("copy", label), str("label", label));
    const report = labelWarnings(table, inferColumnTypes(table), "label", "binary");
    expect(report.warnings).toEqual([]);
    expect(report.associations[0].mutualInformation).toBeCloseTo(1, 3);
  });

  it("warns of severe imbalance below 5% or 10 rows, not at 70/30", () => {
    const imbalanced = binaryTable(1000, 0.03);
    let table = tableOf(num("noise", imbalanced.noise), str("label", imbalanced.label));
    let ws = labelWarnings(table, inferColumnTypes(table), "label", "binary").warnings;
    expect(kinds(ws)).toEqual(["imbalance:label"]);
    expect(ws[0].message).toMatch(/1 class is rare .*: yes \d+ rows \(\d\.\d%\); the largest, no, has 9\d%\./);
    expect(ws[0].action).toMatch(/^Stratified split.*class weights.*balanced/);

    const balanced = binaryTable(1000, 0.3);
    table = tableOf(num("noise", balanced.noise), str("label", balanced.label));
    expect(labelWarnings(table, inferColumnTypes(table), "label", "binary").warnings).toEqual([]);

    // a class of 8 rows among 120 is 6.7% but still too few rows; one of 2 rows cannot reach every split part
    const label = [...Array<string>(60).fill("a"), ...Array<string>(50).fill("b"), ...Array<string>(8).fill("c"), "d", "d"];
    table = tableOf(num("x", label.map((_, i) => i % 7)), str("label", label));
    ws = labelWarnings(table, inferColumnTypes(table), "label", "multiclass").warnings;
    expect(kinds(ws)).toEqual(["imbalance:label"]);
    expect(ws[0].message).toMatch(/2 of 4 classes are rare.*d 2 rows \(1\.7%\), c 8 rows \(6\.7%\).*d has too few rows/);
  });

  it("refuses a label that cannot train the task", () => {
    const table = tableOf(num("x", [1, 2, 3]), str("label", ["a", "a", "a"]));
    expect(() => labelWarnings(table, inferColumnTypes(table), "label", "binary")).toThrow(/only one class/);
    expect(() => labelWarnings(table, inferColumnTypes(table), "nope", "binary")).toThrow(/no column named/);
    expect(() => labelWarnings(table, inferColumnTypes(table), "label", "regression")).toThrow(/numeric label/);
  });
});

describe("guardrails on the shared datasets", () => {
  it("credit-g: no leakage, and a 70/30 class balance is not severe; a copy of the label is leakage", async () => {
    const table = await parseCsvFile(dataset("credit-g.csv"));
    const types = inferColumnTypes(table);
    expect(datasetWarnings(table, types)).toEqual([]);
    const report = labelWarnings(table, types, "class", "binary");
    expect(report.warnings).toEqual([]);
    expect(report.associations).toHaveLength(20);
    expect(report.associations[0].column).toBe("checking_status");
    expect(report.associations.every((a) => a.mutualInformation !== null && a.mutualInformation < 0.3)).toBe(true);

    const label = table.columns.find((c) => c.name === "class")!;
    const leaky: Table = { rowCount: table.rowCount, columns: [...table.columns, { ...label, name: "approved" }] };
    const leakyTypes = [...types, { ...types.find((t) => t.name === "class")!, name: "approved" }];
    const leak = labelWarnings(leaky, leakyTypes, "class", "binary");
    expect(kinds(leak.warnings)).toEqual(["leakage:approved"]);
    expect(leak.associations[0]).toEqual({ column: "approved", mutualInformation: expect.closeTo(1, 3) });
  });

  it("shuttle: severe imbalance of the four small classes, no leakage", async () => {
    const table = await parseCsvFile(dataset("shuttle.csv"));
    const types = inferColumnTypes(table);
    const ws = labelWarnings(table, types, "Class", "multiclass").warnings;
    expect(kinds(ws)).toEqual(["imbalance:Class"]);
    expect(ws[0].message).toMatch(/4 of 7 classes are rare/);
    for (const cls of ["Bpv.Close 10 rows", "Bpv.Open 13 rows", "Fpv.Close 50 rows", "Fpv.Open 171 rows"]) expect(ws[0].message).toContain(cls);
    expect(ws[0].message).not.toMatch(/Bypass/);
  });

  it("cars: Name is near-unique free text, used as hashed words; the regression label has no leak", async () => {
    const table = await parseCsvFile(dataset("cars.csv"));
    const types = inferColumnTypes(table);
    const ws = datasetWarnings(table, types);
    expect(kinds(ws)).toEqual(["identifier:Name"]);
    expect(ws[0].message).toMatch(/free text, mostly distinct \(311 distinct values in 406 rows\)/);
    expect(ws[0].action).toMatch(/^Used as hashed word counts .*set its type to identifier to exclude it/);
    const report = labelWarnings(table, types, "Miles_per_Gallon", "regression");
    expect(report.warnings).toEqual([]);
    expect(report.associations.find((a) => a.column === "Name")!.mutualInformation).toBeNull();
    expect(report.associations[0].column).toMatch(/Weight_in_lbs|Displacement|Horsepower/);
  });

  it("formats shares without rounding to 0% or 100%", () => {
    expect(fmtPct(0.3)).toBe("30%");
    expect(fmtPct(0.0172)).toBe("1.7%");
    expect(fmtPct(0.00017)).toBe("0.02%");
    expect(fmtPct(0.0000001)).toBe("<0.01%");
    expect(fmtPct(0.9996)).toBe("99.9%");
    expect(fmtPct(1)).toBe("100%");
  });
});
