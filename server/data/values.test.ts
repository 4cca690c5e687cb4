import { describe, expect, it } from "vitest";
import { createRng } from "../automl/rng";
import { detectDateFormat, parseBoolean, parseDate, parseNumber } from "./values";

describe("cell values", () => {
  it("reads plain numbers and nothing else", () => {
    expect(parseNumber("12")).toBe(12);
    expect(parseNumber("-1.5e3")).toBe(-1500);
    expect(parseNumber(".5")).toBe(0.5);
    expect(parseNumber("0.25")).toBe(0.25);
    expect(parseNumber("0")).toBe(0);
    for (const t of ["007", "1,5", "abc", "1.2.3", "Infinity", "0x10", "", "+", "1e"]) expect(parseNumber(t)).toBeNull();
  });

  it("reads numbers exactly as the grammar and Number do, on many random near-numbers", () => {
    // the definition the hand-written scanner must match, bit for bit (-0 included)
    const reference = (text: string): number | null => {
      if (!/^[+-]?(?:\d|\.\d)/.test(text) || !/^[+-]?(?:0|[1-9]\d*)?(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text)) return null;
      const v = Number(text);
      return Number.isFinite(v) ? v : null;
    };
    const rng = createRng(7);
    const alphabet = "0123456789000999.-+eE x";
    const cases = ["-0", "+0.0", "0.1", "-.5", "1.", "00", "0e5", "1e400", "123456789012345.6", "9007199254740993", "0.30000000000000004"];
    for (let i = 0; i < 100_000; i++) {
      const length = rng.int(1, 20);
      let s = "";
      for (let k = 0; k < length; k++) s += rng.choice([...alphabet]);
      cases.push(s, (rng.normal() * 10 ** rng.int(-3, 8)).toFixed(rng.int(0, 12)));
    }
    const mismatches = cases.filter((text) => !Object.is(parseNumber(text), reference(text)));
    expect(mismatches).toEqual([]);
    // the random strings do reach both answers often
    expect(cases.filter((text) => reference(text) !== null).length).toBeGreaterThan(100_000);
  });

  it("reads boolean words in any case, not 0/1", () => {
    expect(parseBoolean("Yes")).toBe(1);
    expect(parseBoolean("F")).toBe(0);
    expect(parseBoolean("TRUE")).toBe(1);
    expect(parseBoolean("1")).toBeNull();
  });

  it("reads dates in the supported formats, as UTC", () => {
    expect(parseDate("2012-01-02", "iso")).toBe(Date.UTC(2012, 0, 2));
    expect(parseDate("2012-01-02T03:04:05.5Z", "iso")).toBe(Date.UTC(2012, 0, 2, 3, 4, 5, 500));
    expect(parseDate("2012-01-02T03:04:05+01:00", "iso")).toBe(Date.UTC(2012, 0, 2, 2, 4, 5));
    expect(parseDate("2012/01/02", "ymd-slash")).toBe(Date.UTC(2012, 0, 2));
    expect(parseDate("25/12/2020", "dmy")).toBe(Date.UTC(2020, 11, 25));
    expect(parseDate("12/25/2020 10:30", "mdy")).toBe(Date.UTC(2020, 11, 25, 10, 30));
    expect(parseDate("2020-02-31", "iso")).toBeNull();
    expect(parseDate("25/12/2020", "mdy")).toBeNull();
  });

  it("detects one format for a whole column, deciding day/month order from the data", () => {
    expect(detectDateFormat(["2012/01/01", "2012/12/31"])).toBe("ymd-slash");
    expect(detectDateFormat(["01/02/2020", "25/02/2020"])).toBe("dmy");
    expect(detectDateFormat(["01/02/2020", "02/25/2020"])).toBe("mdy");
    expect(detectDateFormat(["01/02/2020", "02/03/2020"])).toBe("mdy");
    expect(detectDateFormat(["2020-01-01", "hello"])).toBeNull();
    expect(detectDateFormat(["2020"])).toBeNull();
  });
});
