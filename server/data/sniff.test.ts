import { describe, expect, it } from "vitest";
import { DataError } from "./data-error";
import { assertText, detectDelimiter, hasUtf8Bom } from "./sniff";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("sniffing the head of a file", () => {
  it("picks the delimiter that splits lines consistently, ignoring quoted text", () => {
    expect(detectDelimiter("a,b,c\n1,2,3\n", false)).toBe(",");
    expect(detectDelimiter("a;b;c\n1,5;2,5;3\n4;5;6\n", false)).toBe(";");
    expect(detectDelimiter("a\tb\n1\t2\n", false)).toBe("\t");
    expect(detectDelimiter('a|b\n"x, y, z"|2\n3|4\n', false)).toBe("|");
    // the cut last line of a truncated head does not vote
    expect(detectDelimiter("a;b\n1;2\n3,4,5,6,7", true)).toBe(";");
  });

  it("tells text from binary and finds a BOM", () => {
    expect(() => assertText(bytes("a,b\n1,2\ncafé,ü\n"))).not.toThrow();
    expect(() => assertText(Uint8Array.from([0x41, 0x00, 0x42]))).toThrow(DataError);
    expect(() => assertText(Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256 || 1))).toThrow(/not a text CSV/);
    expect(hasUtf8Bom(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toBe(true);
    expect(hasUtf8Bom(bytes("abc"))).toBe(false);
  });
});
