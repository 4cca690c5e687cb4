import { describe, expect, it } from "vitest";
import { PredictionWarning } from "../contracts/prediction";
import { DataError } from "./data-error";
import { inferColumnTypes } from "./infer-types";
import { parseCsvFile } from "./parse-csv";
import { fitPreprocessor, type PreprocessorState } from "./preprocess";
import { checkPredictionTable, predictionWarnings } from "./schema-check";
import { tempFiles } from "./test-helpers";

const state: PreprocessorState = {
  version: 1,
  label: "y",
  columns: [
    { kind: "numeric", name: "a", median: 0, mean: 0, std: 1, missingIndicator: false },
    { kind: "boolean", name: "b", ones: ["Yes"], zeros: ["No"], median: 1 },
    { kind: "dropped", name: "id", reason: "identifier" },
  ],
  featureNames: ["a", "b"],
};

describe("checkPredictionTable", () => {
  it("accepts the training columns, with or without the label and dropped columns, in any order", () => {
    expect(() => checkPredictionTable(state, ["b", "a"])).not.toThrow();
    expect(() => checkPredictionTable(state, ["id", "a", "b", "y"])).not.toThrow();
  });

  it("names missing and unexpected columns", () => {
    const run = () => checkPredictionTable(state, ["b", "c", "d"]);
    expect(run).toThrow(DataError);
    expect(run).toThrow(/^Missing columns: a\. Unexpected columns: c, d\./);
    expect(() => checkPredictionTable(state, ["b"])).toThrow(/^Missing columns: a\. The file/);
  });
});

describe("predictionWarnings", () => {
  // 12 training rows: a category, a number, a date, a yes/no column and the label
  const colors = ["red", "blue", "green"];
  const training =
    "color,size,day,member,y\n" +
    Array.from({ length: 12 }, (_, i) => `${colors[i % 3]},${i + 1.5},2024-01-${String(i + 1).padStart(2, "0")},${i % 2 ? "yes" : "no"},${i % 2}`).join("\n") +
    "\n";

  async function fitted() {
    const f = await tempFiles({ "train.csv": training });
    const table = await parseCsvFile(f("train.csv"));
    const types = inferColumnTypes(table);
    expect(types.map((t) => t.type)).toEqual(["categorical", "numeric", "datetime", "boolean", "boolean"]);
    return fitPreprocessor(table, types, { label: "y", trainRows: Array.from({ length: 12 }, (_, i) => i) });
  }

  async function warningsFor(state: PreprocessorState, csv: string) {
    const f = await tempFiles({ "new.csv": csv });
    const table = await parseCsvFile(f("new.csv"));
    checkPredictionTable(state, table.header);
    return predictionWarnings(state, table);
  }

  it("reports unseen categories, non-numbers in a numeric column and unreadable dates, with counts and examples", async () => {
    const state = await fitted();
    const warnings = await warningsFor(
      state,
      "color,size,day,member\n" +
        "red,1,2024-02-01,yes\n" +
        "purple,abc,2024-02-02,no\n" +
        "purple,2,not a date,maybe\n" +
        "orange,abc,2024-02-03,YES\n" +
        "blue,,,\n",
    );
    for (const w of warnings) expect(PredictionWarning.parse(w)).toEqual(w);
    const by = Object.fromEntries(warnings.map((w) => [`${w.column}:${w.kind}`, w]));
    expect(Object.keys(by).sort()).toEqual(["color:unseen_categories", "day:not_a_date", "member:unseen_categories", "size:not_numeric"]);
    expect(by["color:unseen_categories"]).toMatchObject({ rows: 3, examples: ["purple", "orange"] });
    expect(by["color:unseen_categories"].message).toMatch(/^Column "color": 3 rows have categories not seen in training \(e\.g\. "purple", "orange"\); they are treated as the rare-category bucket\.$/);
    expect(by["size:not_numeric"]).toMatchObject({ rows: 2, examples: ["abc"] });
    expect(by["size:not_numeric"].message).toMatch(/numeric in training, but 2 rows have values that are not a number .*treated as missing/);
    expect(by["day:not_a_date"]).toMatchObject({ rows: 1, examples: ["not a date"] });
    // "YES" matches "yes" ignoring case; "maybe" is unknown (a missing cell is not)
    expect(by["member:unseen_categories"]).toMatchObject({ rows: 1, examples: ["maybe"] });
  });

  it("reports a column with no values at all, and nothing for a clean file", async () => {
    const state = await fitted();
    const empty = await warningsFor(state, "color,size,day,member\nred,,2024-02-01,yes\nblue,,2024-02-02,no\n");
    expect(empty).toEqual([expect.objectContaining({ column: "size", kind: "all_missing", rows: 2, examples: [] })]);
    expect(await warningsFor(state, "y,member,day,size,color\n1,no,2024-03-01,3.5,green\n")).toEqual([]);
  });
});
