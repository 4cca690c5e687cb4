import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { toCsv } from "./csv-write";

describe("toCsv", () => {
  it("escapes quotes, commas and newlines so a CSV reader gets the cells back", () => {
    const header = ["name", "note"];
    const rows = [
      ["a,b", 'say "hi"'],
      ["two\nlines", null],
      [1.5, -2],
    ];
    const text = toCsv(header, rows);
    expect(text).toBe('name,note\n"a,b","say ""hi"""\n"two\nlines",\n1.5,-2\n');
    const back = Papa.parse<string[]>(text.trim()).data;
    expect(back).toEqual([header, ["a,b", 'say "hi"'], ["two\nlines", ""], ["1.5", "-2"]]);
  });

  it("defeats formula injection but leaves plain numbers", () => {
    const text = toCsv(["c"], [["=SUM(A1:A2)"], ["+1+1"], ["-cmd"], ["@x"], ["-3.5"], ["+7"], ["=1,2"], [NaN]]);
    expect(text.split("\n").slice(1, -1)).toEqual(["'=SUM(A1:A2)", "'+1+1", "'-cmd", "'@x", "-3.5", "+7", `"'=1,2"`, ""]);
  });
});
