import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { inferColumnTypes } from "./infer-types";
import { encodeLabel } from "./label";
import { DataError, parseCsvFile } from "./parse-csv";
import type { ColumnType } from "../contracts/dataset";
import { createRng } from "../automl/rng";
import type { Matrix, Task } from "../models/family";
import { OTHER, PreprocessOptions, PreprocessorState, fitPreprocessor, fitTransform, transform } from "./preprocess";
import { TEXT_BUCKETS } from "./text-hashing";
import { makeSplit } from "./split";
import type { Column, Table } from "./table";
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
    // free text: a hashed bag of words, each row of it of unit length
    expect(state.columns.find((c) => c.name === "Name")).toEqual({ kind: "text", name: "Name", buckets: TEXT_BUCKETS });
    const hashed = state.featureNames.flatMap((f, j) => (f.startsWith("Name#h") ? [j] : []));
    expect(hashed).toHaveLength(TEXT_BUCKETS);
    const x = transform(state, table, [0]);
    expect(Math.hypot(...hashed.map((j) => x.data[j]))).toBeCloseTo(1, 5);
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
    expect(num.kind === "numeric" && [num.fill, num.center]).toEqual([6, 51 / 9]);
    expect(state.columns[3]).toEqual({ kind: "boolean", name: "member", ones: ["Yes"], zeros: ["No"], median: 0 });
    const id = state.columns[4];
    expect(id.kind === "dropped" && id.reason).toMatch(/identifier/);
  });

  it("imputes, scales, one-hots; unseen goes to the rare bucket and missing to all zeros", () => {
    const x = transform(state, table);
    const row = (r: number) => Array.from(x.data.subarray(r * x.cols, (r + 1) * x.cols));
    const num = state.columns[0];
    if (num.kind !== "numeric") throw new Error();
    expect(row(3)[0]).toBeCloseTo((6 - num.center) / num.scale, 5);
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

const strings = (name: string, cells: (string | null)[]): Column => {
  const categories = [...new Set(cells.filter((c): c is string => c !== null))];
  const code = new Map(categories.map((c, i) => [c, i]));
  return { name, kind: "string", categories, codes: Int32Array.from(cells, (c) => (c === null ? -1 : code.get(c)!)) };
};
const numbers = (name: string, values: number[]): Column => ({ name, kind: "number", values: Float64Array.from(values) });
const typed = (types: Record<string, ColumnType>) => Object.entries(types).map(([name, type]) => ({ name, type, reason: "" }));
const all = (n: number) => Array.from({ length: n }, (_, i) => i);
/** output j of each row */
const column = (x: Matrix, j: number) => Array.from({ length: x.rows }, (_, i) => x.data[i * x.cols + j]);

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  const ma = Array.from(a).reduce((s, v) => s + v, 0) / n;
  const mb = Array.from(b).reduce((s, v) => s + v, 0) / n;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i] - ma) * (b[i] - mb);
    aa += (a[i] - ma) ** 2;
    bb += (b[i] - mb) ** 2;
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

describe("preprocessing options", () => {
  // numbers 1, 1, 4, 6, 100 and a blank; dates with a blank; a category with a blank; the label
  const day = (d: number) => Date.UTC(2024, 0, d);
  const table: Table = {
    rowCount: 6,
    columns: [
      numbers("num", [1, 1, 4, NaN, 6, 100]),
      numbers("when", [day(10), day(3), day(3), day(20), NaN, day(5)]),
      strings("color", ["red", "blue", "red", null, "green", "red"]),
      numbers("y", [0, 1, 0, 1, 0, 1]),
    ],
  };
  const types = typed({ num: "numeric", when: "datetime", color: "categorical", y: "numeric" });
  const fitted = (options: Partial<PreprocessOptions>) => {
    const state = fitPreprocessor(table, types, { label: "y", trainRows: all(6), options: { scaling: "none", ...options } });
    const x = transform(state, table);
    return { state, x, at: (r: number, name: string) => x.data[r * x.cols + state.featureNames.indexOf(name)] };
  };

  it("fills a missing number with the median, mean, most frequent value or 0, and adds the indicator", () => {
    const fills = (["median", "mean", "most_frequent", "constant"] as const).map((imputation) => fitted({ imputation }).at(3, "num"));
    expect(fills).toEqual([4, 22.4, 1, 0].map(Math.fround));
    expect(fitted({}).at(3, "num__missing")).toBe(1);
  });

  it("fills each datetime part the same way; constant is the earliest training date", () => {
    const dayOf = (imputation: PreprocessOptions["imputation"]) => fitted({ imputation }).at(4, "when.day");
    expect([dayOf("median"), dayOf("mean"), dayOf("most_frequent"), dayOf("constant")]).toEqual([5, 41 / 5, 3, 3].map(Math.fround));
    expect(fitted({ imputation: "constant" }).at(4, "when.elapsed_days")).toBe(0);
    expect(fitted({}).at(4, "when__missing")).toBe(1);
  });

  it("fills a missing category with the training mode under most_frequent, else leaves no category", () => {
    const onehot = (imputation: PreprocessOptions["imputation"]) => {
      const { state, x } = fitted({ imputation });
      return state.featureNames.flatMap((f, j) => (f.startsWith("color=") ? [x.data[3 * x.cols + j]] : []));
    };
    // categories most frequent first (red, then blue and green, which are rare here), then OTHER
    expect(onehot("most_frequent")).toEqual([1, 0]);
    expect(onehot("median")).toEqual([0, 0]);
    expect(fitted({ encoding: "ordinal" }).at(3, "color")).toBe(-1);
    expect(fitted({ encoding: "ordinal", imputation: "most_frequent" }).at(3, "color")).toBe(fitted({ encoding: "ordinal" }).at(0, "color"));
  });

  it("robust scaling centres on the median and divides by the IQR; an IQR of 0 divides by the standard deviation", () => {
    // num observed: 1, 1, 4, 6, 100: median 4, quartiles 1 and 6
    const { at, state } = fitted({ scaling: "robust" });
    expect(state.columns[0]).toMatchObject({ kind: "numeric", fill: 4, center: 4, scale: 5 });
    expect(at(5, "num")).toBeCloseTo((100 - 4) / 5, 5);
    const flat: Table = { rowCount: 5, columns: [numbers("a", [2, 2, 2, 2, 9]), numbers("y", [0, 0, 0, 0, 0])] };
    const s = fitPreprocessor(flat, typed({ a: "numeric", y: "numeric" }), { label: "y", trainRows: all(5), options: { scaling: "robust" } });
    // mean 3.4, population std sqrt((4 * 1.4^2 + 5.6^2) / 5) = 2.8
    expect(s.columns[0]).toMatchObject({ center: 2 });
    expect((s.columns[0] as { scale: number }).scale).toBeCloseTo(2.8, 10);
    const constant = fitPreprocessor({ ...flat, columns: [numbers("a", [2, 2, 2, 2, 2]), flat.columns[1]] }, typed({ a: "numeric", y: "numeric" }), { label: "y", trainRows: all(5), options: { scaling: "robust" } });
    expect(constant.columns[0]).toMatchObject({ center: 2, scale: 1 });
  });

  it("ordinal: one column, categories in string order with OTHER last, scaled like a number", () => {
    const t: Table = {
      rowCount: 7,
      columns: [strings("size", ["s", "m", "l", "m", "s", "xl", "l"]), numbers("y", [0, 0, 0, 0, 0, 0, 0])],
    };
    const types = typed({ size: "categorical", y: "numeric" });
    const none = fitPreprocessor(t, types, { label: "y", trainRows: all(7), options: { encoding: "ordinal", scaling: "none" } });
    expect(none.featureNames).toEqual(["size"]);
    expect(none.columns[0]).toMatchObject({ categories: ["l", "m", "s"], encoding: { type: "ordinal" } });
    expect(Array.from(transform(none, t).data)).toEqual([2, 1, 0, 1, 2, 3, 0]); // xl is rare: OTHER
    const { state, train } = fitTransform(t, types, { label: "y", trainRows: all(7), options: { encoding: "ordinal" } });
    expect(Math.abs(column(train, 0).reduce((a, b) => a + b, 0))).toBeLessThan(1e-5);
    expect(state.options).toEqual({ imputation: "median", encoding: "ordinal", scaling: "standard" });
  });

  it("hashes free text into buckets, L2-normalised; a blank cell is all zeros", () => {
    const t: Table = {
      rowCount: 3,
      columns: [strings("review", ["Great phone, great battery", null, "meh"]), numbers("y", [1, 0, 0])],
    };
    const { state, train } = fitTransform(t, typed({ review: "text", y: "numeric" }), { label: "y", trainRows: all(3) });
    expect(state.featureNames).toEqual(Array.from({ length: TEXT_BUCKETS }, (_, b) => `review#h${b}`));
    const norms = [0, 1, 2].map((r) => Math.hypot(...train.data.subarray(r * train.cols, (r + 1) * train.cols)));
    expect(norms[0]).toBeCloseTo(1, 5);
    expect(norms[1]).toBe(0);
    expect(Array.from(transform(state, t).data)).toEqual(Array.from(train.data));
  });

  it("round-trips a state with every kind of step through JSON and zod", () => {
    const t: Table = {
      rowCount: 40,
      columns: [
        numbers("n", all(40)),
        strings("c", all(40).map((i) => `c${i % 12}`)),
        strings("note", all(40).map((i) => `note ${i}`)),
        numbers("y", all(40).map((i) => i % 3)),
      ],
    };
    const types = typed({ n: "numeric", c: "categorical", note: "text", y: "numeric" });
    const task: Task = { type: "multiclass", classes: ["a", "b", "c"] };
    const opts = { label: "y", trainRows: all(40), options: { encoding: "target" as const }, target: { y: Float32Array.from(all(40), (i) => i % 3), task } };
    const { state } = fitTransform(t, types, opts);
    const restored = PreprocessorState.parse(JSON.parse(JSON.stringify(state)));
    expect(restored).toEqual(state);
    expect(Array.from(transform(restored, t).data)).toEqual(Array.from(transform(state, t).data));
  });
});

describe("target encoding", () => {
  /** n rows: a categorical column from cat(i), a binary label from label(i) */
  function binaryTable(n: number, cat: (i: number) => string, label: (i: number) => number) {
    const y = Float32Array.from(all(n), label);
    const table: Table = { rowCount: n, columns: [strings("cat", all(n).map(cat)), numbers("y", Array.from(y))] };
    const task: Task = { type: "binary", classes: ["0", "1"] };
    return { table, types: typed({ cat: "categorical", y: "numeric" }), target: { y, task } };
  }

  it("needs the label", () => {
    const { table, types } = binaryTable(20, (i) => `c${i}`, (i) => i % 2);
    expect(() => fitTransform(table, types, { label: "y", trainRows: all(20), options: { encoding: "target" } })).toThrow(/needs the label/);
  });

  it("encodes training rows out of fold: unique categories read as the prior, so the label does not leak", () => {
    const rng = createRng(1);
    const n = 2000;
    const { table, types, target } = binaryTable(n, (i) => `id${i}`, () => (rng.float() < 0.3 ? 1 : 0));
    const options = { encoding: "target" as const, scaling: "none" as const };
    const { state, train } = fitTransform(table, types, { label: "y", trainRows: all(n), options, target, seed: 3 });
    expect(state.featureNames).toEqual(["cat#target"]);
    const prior = Array.from(target.y).reduce((a, b) => a + b, 0) / n;
    const oof = column(train, 0);
    expect(oof.every((v) => Math.abs(v - prior) < 1e-6)).toBe(true);
    expect(Math.abs(correlation(oof, target.y))).toBeLessThan(0.1);
    // the same rows encoded with all training rows' statistics see their own label: what out of fold prevents
    expect(correlation(column(transform(state, table, all(n)), 0), target.y)).toBeGreaterThan(0.9);
  });

  it("with about two rows per category, out-of-fold encodings do not correlate with a random label", () => {
    const rng = createRng(2);
    const n = 2000;
    const { table, types, target } = binaryTable(n, () => `c${rng.int(0, 999)}`, () => (rng.float() < 0.5 ? 1 : 0));
    const opts = { label: "y", trainRows: all(n), options: { encoding: "target" as const }, target, seed: 4 };
    const { state, train } = fitTransform(table, types, opts);
    const oof = column(train, 0);
    expect(Math.abs(correlation(oof, target.y))).toBeLessThan(0.1);
    const full = column(transform(state, table, all(n)), 0);
    expect(full).not.toEqual(oof);
    expect(correlation(full, target.y)).toBeGreaterThan(0.3);
    // seeded: the same seed deals the same folds
    expect(Array.from(fitTransform(table, types, opts).train.data)).toEqual(Array.from(train.data));
  });

  it("a predictive 50-category column gets encodings that correlate with the label on validation rows", () => {
    const rng = createRng(5);
    const rate = Array.from({ length: 50 }, () => rng.float());
    const cats = Array.from({ length: 2000 }, () => rng.int(0, 49));
    const { table, types, target } = binaryTable(2000, (i) => `c${cats[i]}`, (i) => (rng.float() < rate[cats[i]] ? 1 : 0));
    const trainRows = all(1500);
    const valid = all(500).map((i) => 1500 + i);
    const { state } = fitTransform(table, types, { label: "y", trainRows, options: { encoding: "target" }, target, seed: 1 });
    const x = transform(state, table, valid);
    expect(correlation(column(x, 0), valid.map((r) => target.y[r]))).toBeGreaterThan(0.4);
  });

  it("multiclass: one column per class, each row's probabilities summing to 1; few categories stay one-hot", () => {
    const rng = createRng(6);
    const n = 600;
    const cats = all(n).map(() => rng.int(0, 19));
    const y = Float32Array.from(cats, (c) => (c + (rng.float() < 0.3 ? 1 : 0)) % 3);
    const table: Table = {
      rowCount: n,
      columns: [strings("many", cats.map((c) => `m${c}`)), strings("few", cats.map((c) => `f${c % 4}`)), numbers("y", Array.from(y))],
    };
    const task: Task = { type: "multiclass", classes: ["a", "b", "c"] };
    const types = typed({ many: "categorical", few: "categorical", y: "numeric" });
    const options = { encoding: "target" as const, scaling: "none" as const };
    const { state, train } = fitTransform(table, types, { label: "y", trainRows: all(400), options, target: { y, task } });
    expect(state.featureNames.slice(0, 3)).toEqual(["many#target=a", "many#target=b", "many#target=c"]);
    expect(state.featureNames.slice(3).sort()).toEqual([`few=${OTHER}`, "few=f0", "few=f1", "few=f2", "few=f3"]);
    const x = transform(state, table);
    for (const m of [train, x]) {
      for (let i = 0; i < m.rows; i += 37) expect(m.data[i * m.cols] + m.data[i * m.cols + 1] + m.data[i * m.cols + 2]).toBeCloseTo(1, 5);
    }
    // an unseen category and a missing cell read as the prior, as no row in training was missing
    const odd: Table = { rowCount: 2, columns: [strings("many", ["new", null]), strings("few", ["f0", "f0"])] };
    const prior = [0, 1, 2].map((k) => Array.from(y.subarray(0, 400)).filter((v) => v === k).length / 400);
    const o = transform(state, odd);
    for (const r of [0, 1]) for (const k of [0, 1, 2]) expect(o.data[r * o.cols + k]).toBeCloseTo(prior[k], 5);
  });
});

describe("version 1 states (archives written before the options)", () => {
  // a literal version-1 state, as the studio stored it: keep it byte for byte
  const v1 = {
    version: 1,
    label: "y",
    columns: [
      { kind: "numeric", name: "num", median: 6, mean: 5, std: 2, missingIndicator: true },
      { kind: "categorical", name: "cat", categories: ["a", "b"], minCount: 2 },
      { kind: "boolean", name: "flag", ones: ["Yes"], zeros: ["No"], median: 1 },
      {
        kind: "datetime",
        name: "when",
        origin: Date.UTC(2024, 0, 1),
        parts: [
          { part: "month", median: 3, mean: 4, std: 2 },
          { part: "elapsed_days", median: 10, mean: 20, std: 10 },
        ],
        missingIndicator: false,
      },
      { kind: "dropped", name: "note", reason: "free text: not used as a feature" },
    ],
    featureNames: ["num", "num__missing", "cat=a", "cat=b", `cat=${OTHER}`, "flag", "when.month", "when.elapsed_days"],
  };
  const table: Table = {
    rowCount: 3,
    columns: [
      numbers("num", [9, NaN, 1]),
      strings("cat", ["b", null, "zzz"]),
      strings("flag", ["No", "Yes", null]),
      numbers("when", [Date.UTC(2024, 2, 11), NaN, Date.UTC(2024, 0, 1)]),
      strings("note", ["free words", "more", null]),
    ],
  };

  it("still parses, and transforms exactly as before", () => {
    const state = PreprocessorState.parse(JSON.parse(JSON.stringify(v1)));
    expect(state).toEqual(v1);
    const x = transform(state, table);
    expect(x.cols).toBe(8);
    const row = (r: number) => Array.from(x.data.subarray(r * 8, (r + 1) * 8));
    expect(row(0)).toEqual([2, 0, 0, 1, 0, 0, -0.5, 5]); // 70 days after the origin
    expect(row(1)).toEqual([0.5, 1, 0, 0, 0, 1, -0.5, -1]);
    expect(row(2)).toEqual([-2, 0, 0, 0, 1, 1, -1.5, -2]);
  });

  it("is not confused with version 2: the v2 step shapes are refused in a v1 state", () => {
    const mixed = { ...v1, columns: [{ kind: "text", name: "note", buckets: 128 }] };
    expect(() => PreprocessorState.parse(mixed)).toThrow();
  });
});
