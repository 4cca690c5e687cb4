import { describe, expect, it } from "vitest";
import { DataError } from "./data-error";
import type { PreprocessorState } from "./preprocess";
import { checkPredictionTable } from "./schema-check";

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
