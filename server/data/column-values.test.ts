import { describe, expect, it } from "vitest";
import { numbersOf, stringAt } from "./column-values";
import type { Column } from "./table";

const str = (categories: string[], codes: number[]): Column => ({ name: "c", kind: "string", categories, codes: Int32Array.from(codes) });

describe("column values", () => {
  it("reads numbers as canonical strings and strings as they are", () => {
    const at = stringAt({ name: "n", kind: "number", values: Float64Array.from([1, NaN, 2.5]) });
    expect([0, 1, 2].map(at)).toEqual(["1", null, "2.5"]);
    expect([0, 1].map(stringAt(str(["a"], [0, -1])))).toEqual(["a", null]);
  });

  it("reads strings as numbers, dates or booleans by type, NaN when unreadable", () => {
    expect(Array.from(numbersOf(str(["1.5", "x"], [0, 1, -1]), "numeric"))).toEqual([1.5, NaN, NaN]);
    expect(Array.from(numbersOf(str(["2020-01-02", "bad"], [0, 1]), "datetime"))).toEqual([Date.UTC(2020, 0, 2), NaN]);
    expect(Array.from(numbersOf(str(["yes", "0", "??"], [0, 1, 2]), "boolean"))).toEqual([1, 0, NaN]);
  });
});
