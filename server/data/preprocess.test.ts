import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { inferColumnTypes } from "./infer-types";
import { encodeLabel } from "./label";
import { DataError, parseCsvFile } from "./parse-csv";
import { OTHER, PreprocessorState, fitPreprocessor, transform } from "./preprocess";
import { makeSplit } from "./split";
import type { Table } from "./table";
import { dataset, tempFiles } from "./test-helpers";

async function prepared(file: string, label: string, problemType: "binary" | "multiclass" | "regression") {
  const table = await parseCsvFile(dataset(file));
  const types = inferColumnTypes(table);
  const { y, rowsWithLabel } = encodeLabel(table, label, problemType);
  const split = makeSplit({ y, rows: rowsWithLabel, problemType, seed: 11 });
  const state = fitPreprocessor(table, types, { label, trainRows: split.train });
  return { table, types, split, state };
}

describe("preprocessing on real data", () => {
  it("telco: round-trips through JSON and transforms identically", async () => {
    const { table, split, state } = await prepared("telco-churn.csv", "churn", "binary");
    const restored = PreprocessorState.parse(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    for (const rows of [split.train, split.valid, split.test]) {
      const a = transform(state, table, rows);
      const b = transform(restored, table, rows);
      expect(a.rows).toBe(rows.length);
      expect(a.cols).toBe(state.featureNames.length);
      expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer))).toBe(true);
      expect(a.data.every((v) => Number.isFinite(v))).toBe(true);
    }
    expect(state.featureNames).not.toContain("churn");
    expect(state.featureNames).toContain("total_charges");
    // total_charges has 11 blanks; with 60% of rows in train, the indicator appears when one falls in train
    const tc = state.columns.find((c) => c.name === "total_charges")!;
    expect(tc.kind).toBe("numeric");
    expect(state.featureNames).toContain(`contract=Month-to-month`);
    expect(state.featureNames).toContain(`contract=${OTHER}`);
    // scaled training columns have mean 0
    const x = transform(state, table, split.train);
    const j = state.featureNames.indexOf("tenure");
    let sum = 0;
    for (let i = 0; i < x.rows; i++) sum += x.data[i * x.cols + j];
    expect(Math.abs(sum / x.rows)).toBeLessThan(1e-4);
  });

  it("seattle: the date becomes calendar parts; constant parts (hour) are left out", async () => {
    const { state } = await prepared("seattle-weather.csv", "weather", "multiclass");
    expect(state.featureNames.filter((f) => f.startsWith("date."))).toEqual([
      "date.year",
      "date.month",
      "date.day",
      "date.weekday",
      "date.elapsed_days",
    ]);
  });

  it("cars: drops the free-text Name with a reason; a prediction file parsed on its own gives the same rows", async () => {
    const { table, state } = await prepared("cars.csv", "Miles_per_Gallon", "regression");
    const name = state.columns.find((c) => c.name === "Name")!;
    expect(name.kind === "dropped" && name.reason).toMatch(/free text/);
    expect(state.featureNames.some((f) => f.startsWith("Cylinders="))).toBe(true);
    expect(state.featureNames).toContain("Horsepower__missing");
    // rows 200..239, reversed, without the label: new codes, possibly other storage kinds
    const lines = (await fs.readFile(dataset("cars.csv"), "utf8")).trim().split("\n");
    const header = lines[0].split(";");
    const drop = header.indexOf("Miles_per_Gallon");
    const strip = (l: string) => l.split(";").filter((_, i) => i !== drop).join(";");
    const picked = Array.from({ length: 40 }, (_, i) => 239 - i);
    const f = await tempFiles({ "new.csv": [strip(lines[0]), ...picked.map((r) => strip(lines[r + 1]))].join("\n") });
    const fresh = await parseCsvFile(f("new.csv"));
    const a = transform(state, fresh);
    const b = transform(state, table, picked);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
  });

  it("telco: yes/no and 0/1 boolean features map to 0/1 from the fitted strings, the same for a file parsed on its own", async () => {
    const table = await parseCsvFile(dataset("telco-churn.csv"));
    const types = inferColumnTypes(table);
    const { y, rowsWithLabel } = encodeLabel(table, "contract", "multiclass");
    const split = makeSplit({ y, rows: rowsWithLabel, problemType: "multiclass", seed: 5 });
    const state = fitPreprocessor(table, types, { label: "contract", trainRows: split.train });
    const churn = state.columns.find((c) => c.name === "churn")!;
    expect(churn).toMatchObject({ kind: "boolean", ones: ["Yes"], zeros: ["No"], median: 0 });
    const partner = state.columns.find((c) => c.name === "partner")!;
    expect(partner).toMatchObject({ kind: "boolean", ones: ["1"], zeros: ["0"] });
    const jChurn = state.featureNames.indexOf("churn");
    const jPartner = state.featureNames.indexOf("partner");
    const all = transform(state, table);
    const churnColumn = table.columns.find((c) => c.name === "churn")!;
    if (churnColumn.kind !== "string") throw new Error("churn should be strings");
    for (let r = 0; r < table.rowCount; r++) {
      expect(all.data[r * all.cols + jChurn]).toBe(churnColumn.categories[churnColumn.codes[r]] === "Yes" ? 1 : 0);
    }

    // a prediction file: some rows, reversed, parsed on its own (its own codes; "No" may come first or alone)
    const lines = (await fs.readFile(dataset("telco-churn.csv"), "utf8")).trim().split("\n");
    const picked = [...Array.from({ length: 30 }, (_, i) => 400 - i), ...split.test.slice(0, 30)];
    const onlyNo = Array.from(rowsWithLabel).filter((r) => churnColumn.categories[churnColumn.codes[r]] === "No").slice(0, 20);
    const f = await tempFiles({
      "subset.csv": [lines[0], ...picked.map((r) => lines[r + 1])].join("\n"),
      "only-no.csv": [lines[0], ...onlyNo.map((r) => lines[r + 1])].join("\n"),
    });
    for (const [file, rows] of [["subset.csv", picked], ["only-no.csv", onlyNo]] as const) {
      const fresh = await parseCsvFile(f(file));
      expect(fresh.columns.find((c) => c.name === "churn")!.kind).toBe("string");
      const a = transform(state, fresh);
      const b = transform(state, table, rows);
      expect(Buffer.from(a.data.buffer).equals(Buffer.from(b.data.buffer))).toBe(true);
    }

    // unknown and missing cells get the training median; other case is the same word
    const churnAt = lines[0].split(",").indexOf('"churn"');
    const withCell = (r: number, cell: string) => lines[r + 1].split(",").map((v, i) => (i === churnAt ? cell : v)).join(",");
    const g = await tempFiles({ "odd.csv": [lines[0], withCell(2, "maybe"), withCell(2, ""), withCell(0, "YES"), withCell(2, "no")].join("\n") });
    const odd = transform(state, await parseCsvFile(g("odd.csv")));
    expect([0, 1, 2, 3].map((i) => odd.data[i * odd.cols + jChurn])).toEqual([0, 0, 1, 0]);
    expect(odd.data[jPartner]).toBe(all.data[2 * all.cols + jPartner]);
  });
});

describe("preprocessing rules", () => {
  // 10 training rows, then 2 rows that training must not see
  const table: Table = {
    rowCount: 12,
    columns: [
      { name: "num", kind: "number", values: Float64Array.from([1, 2, 3, NaN, 5, 6, 7, 8, 9, 10, 1000, 1000]) },
      {
        name: "cat",
        kind: "string",
        categories: ["a", "b", "rare", "new"],
        codes: Int32Array.from([0, 0, 0, 1, 1, 1, 2, -1, 0, 1, 3, 2]),
      },
      { name: "flag", kind: "number", values: Float64Array.from([1, 0, 1, 1, NaN, 0, 1, 1, 1, 0, 0, 0]) },
      {
        name: "member",
        kind: "string",
        categories: ["No", "Yes", "maybe", "YES"],
        codes: Int32Array.from([0, 0, 1, 0, -1, 0, 1, 0, 0, 1, 2, 3]),
      },
      { name: "id", kind: "string", categories: Array.from({ length: 12 }, (_, i) => `r${i}`), codes: Int32Array.from({ length: 12 }, (_, i) => i) },
      { name: "y", kind: "number", values: Float64Array.from([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]) },
    ],
  };
  const types = [
    { name: "num", type: "numeric" as const, reason: "" },
    { name: "cat", type: "categorical" as const, reason: "" },
    { name: "flag", type: "boolean" as const, reason: "" },
    { name: "member", type: "boolean" as const, reason: "" },
    { name: "id", type: "identifier" as const, reason: "" },
    { name: "y", type: "boolean" as const, reason: "" },
  ];
  const trainRows = Array.from({ length: 10 }, (_, i) => i);
  const state = fitPreprocessor(table, types, { label: "y", trainRows });

  it("fits on training rows only: median, indicator, rare bucket, dropped identifier", () => {
    expect(state.featureNames).toEqual(["num", "num__missing", "cat=a", "cat=b", `cat=${OTHER}`, "flag", "member"]);
    const num = state.columns[0];
    expect(num.kind === "numeric" && [num.median, num.mean]).toEqual([6, 51 / 9]);
    expect(state.columns[3]).toEqual({ kind: "boolean", name: "member", ones: ["Yes"], zeros: ["No"], median: 0 });
    const id = state.columns[4];
    expect(id.kind === "dropped" && id.reason).toMatch(/identifier/);
  });

  it("imputes, scales, one-hots; unseen goes to the rare bucket and missing to all zeros", () => {
    const x = transform(state, table);
    const row = (r: number) => Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols));
    const num = state.columns[0];
    if (num.kind !== "numeric") throw new Error();
    expect(row(3)[0]).toBeCloseTo((6 - num.mean) / num.std, 5);
    expect(row(3)[1]).toBe(1);
    expect(row(3).slice(2, 5)).toEqual([0, 1, 0]);
    expect(row(6).slice(2, 5)).toEqual([0, 0, 1]); // rare in training
    expect(row(7).slice(2, 5)).toEqual([0, 0, 0]); // missing
    expect(row(10).slice(2, 5)).toEqual([0, 0, 1]); // never seen in training
    expect(row(4)[5]).toBe(1); // boolean median of 1,0,1,1,0,1,1,1,0
    expect([0, 2, 4, 10, 11].map((r) => row(r)[6])).toEqual([0, 1, 0, 0, 1]); // missing and "maybe" get the median 0; "YES" is "Yes"
  });

  it("maps two values that are not yes/no words in sorted order, and one-hots more than two", () => {
    const t: Table = {
      rowCount: 4,
      columns: [
        { name: "sex", kind: "string", categories: ["M", "F"], codes: Int32Array.from([0, 1, 1, 0]) },
        { name: "size", kind: "string", categories: ["S", "M", "L"], codes: Int32Array.from([0, 1, 2, 2]) },
        { name: "y", kind: "number", values: Float64Array.from([0, 1, 0, 1]) },
      ],
    };
    const bool = (name: string) => ({ name, type: "boolean" as const, reason: "" });
    const s = fitPreprocessor(t, [bool("sex"), bool("size"), bool("y")], { label: "y", trainRows: [0, 1, 2, 3] });
    expect(s.columns[0]).toEqual({ kind: "boolean", name: "sex", ones: ["M"], zeros: ["F"], median: 0.5 });
    expect(s.columns[1]).toMatchObject({ kind: "categorical", categories: ["L"] });
    expect(Array.from(transform(s, t).data.filter((_, i) => i % s.featureNames.length === 0))).toEqual([1, 0, 0, 1]);
  });

  it("uses only the selected features, and refuses unknown ones", () => {
    const only = fitPreprocessor(table, types, { label: "y", trainRows, features: ["flag"] });
    expect(only.featureNames).toEqual(["flag"]);
    expect(() => fitPreprocessor(table, types, { label: "y", trainRows, features: ["nope"] })).toThrow(DataError);
    expect(() => fitPreprocessor(table, types, { label: "y", trainRows, features: ["id"] })).toThrow(/No column can be used/);
  });
});
