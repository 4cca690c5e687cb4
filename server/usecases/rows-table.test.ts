import { describe, expect, it } from "vitest";
import { inferColumnTypes } from "../data/infer-types";
import { parseCsvFile } from "../data/parse-csv";
import { fitPreprocessor, transform, type PreprocessorState } from "../data/preprocess";
import { tempFiles } from "../data/test-helpers";
import { describeError } from "./errors";
import { headerOfRows, tableFromRows } from "./rows-table";

// 12 training rows: a category, a number, a date, a yes/no column and the label
const colors = ["red", "blue", "green"];
const training =
  "color,size,day,member,y\n" +
  Array.from({ length: 12 }, (_, i) => `${colors[i % 3]},${i + 1.5},2024-01-${String(i + 1).padStart(2, "0")},${i % 2 ? "Yes" : "No"},${i % 2}`).join("\n") +
  "\n";

async function fitted(): Promise<PreprocessorState> {
  const f = await tempFiles({ "train.csv": training });
  const table = await parseCsvFile(f("train.csv"));
  const types = inferColumnTypes(table);
  expect(types.map((t) => t.type)).toEqual(["categorical", "numeric", "datetime", "boolean", "boolean"]);
  return fitPreprocessor(table, types, { label: "y", trainRows: Array.from({ length: 12 }, (_, i) => i) });
}

const tableOf = (rows: unknown[], state: PreprocessorState) => tableFromRows(rows, headerOfRows(rows), state);

const messageOf = (work: () => unknown) => {
  try {
    work();
  } catch (err) {
    return describeError(err);
  }
  throw new Error("no error");
};

describe("tableFromRows", () => {
  it("builds the table a CSV of the same rows gives: same columns, same storage, same model input", async () => {
    const state = await fitted();
    const csv = "color,size,day,member\nred,1.50,2024-02-01,Yes\npurple,abc,2024-02-02,No\n,7,,\nblue,NA,not a date,maybe\n";
    const rows = [
      { color: "red", size: 1.5, day: "2024-02-01", member: true },
      { color: "purple", size: "abc", day: "2024-02-02", member: false },
      { color: null, size: 7, day: "", member: null },
      { color: " blue ", size: "NA", day: "not a date", member: "maybe" },
    ];
    const f = await tempFiles({ "new.csv": csv });
    const fromCsv = await parseCsvFile(f("new.csv"));
    const fromRows = tableOf(rows, state);
    expect(fromRows.rowCount).toBe(fromCsv.rowCount);
    expect(fromRows.columns).toEqual(fromCsv.columns);
    expect(transform(state, fromRows).data).toEqual(transform(state, fromCsv).data);
  });

  it("reads numbers stored as strings or as JSON numbers alike, and a numeric column with a word as a CSV does", async () => {
    const state = await fitted();
    const a = tableOf([{ color: "red", size: "2.50", day: "2024-02-01", member: "Yes" }], state);
    const b = tableOf([{ color: "red", size: 2.5, day: "2024-02-01", member: "Yes" }], state);
    expect(a.columns).toEqual(b.columns);
    expect(a.columns[1]).toEqual({ name: "size", kind: "number", values: new Float64Array([2.5]) });
  });

  it("writes true/false as a yes/no column's own words, and as true/false elsewhere", async () => {
    const state = await fitted();
    const t = tableOf([{ color: true, size: 1, day: "2024-02-01", member: true }, { color: false, size: 1, day: "2024-02-01", member: false }], state);
    const byName = Object.fromEntries(t.columns.map((c) => [c.name, c]));
    expect(byName.member).toMatchObject({ kind: "string", categories: ["Yes", "No"] });
    expect(byName.color).toMatchObject({ kind: "string", categories: ["true", "false"] });
  });

  it("takes the header from every row, in order of first appearance; unused columns and the label may be absent", async () => {
    const state = await fitted();
    const rows = [{ size: 1, color: "red", day: null, member: "Yes" }, { color: "blue", size: 2, day: null, member: "No", y: 1 }];
    expect(headerOfRows(rows)).toEqual(["size", "color", "day", "member", "y"]);
    const t = tableOf(rows, state);
    expect(t.columns.find((c) => c.name === "y")).toEqual({ name: "y", kind: "number", values: new Float64Array([NaN, 1]) });
  });

  it("refuses, naming the row and the column: a used column absent from a row, a list or object, a row that is not an object", async () => {
    const state = await fitted();
    expect(messageOf(() => tableOf([{ color: "red", size: 1, day: null, member: "Yes" }, { color: "red", day: null, member: "Yes" }], state))).toEqual({
      status: 400,
      message: 'Row 2 has no value for column "size": every row needs every column the model uses (send null for a missing value).',
    });
    expect(messageOf(() => tableOf([{ color: ["red"], size: 1, day: null, member: "Yes" }], state))).toEqual({
      status: 400,
      message: 'Row 1, column "color": a list can\'t be read as a value; send a number, a string, true/false or null.',
    });
    expect(messageOf(() => tableOf([{ color: "red", size: { v: 1 }, day: null, member: "Yes" }], state)).message).toMatch(/^Row 1, column "size": an object/);
    expect(messageOf(() => headerOfRows([{ a: 1 }, 5]))).toEqual({ status: 400, message: 'Row 2 is not an object: send each row as {"column": value, ...}.' });
    expect(messageOf(() => headerOfRows([[1, 2]])).message).toMatch(/^Row 1 is not an object/);
  });
});
