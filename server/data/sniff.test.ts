import { describe, expect, it } from "vitest";
import { DataError } from "./data-error";
import { assertText, detectDelimiter, detectEncoding, hasUtf8Bom } from "./sniff";

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

  it("detects UTF-8, falling back to Windows-1252 on invalid UTF-8, without blaming a character cut by the window", () => {
    expect(detectEncoding(bytes("a,b\ncafé,ü\n"), true)).toBe("utf-8");
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]), true)).toBe("utf-8");
    const latin1 = Uint8Array.from(Buffer.from("a,b\ncafé,ß\n", "latin1"));
    expect(detectEncoding(latin1, true)).toBe("windows-1252");
    expect(detectEncoding(latin1, false)).toBe("windows-1252");
    const cut = bytes("a,b\nx,é").subarray(0, -1); // the last character loses its second byte
    expect(detectEncoding(cut, false)).toBe("utf-8");
    expect(detectEncoding(cut, true)).toBe("windows-1252");
    // Latin-1 text is text; random bytes are not, in either encoding
    expect(() => assertText(latin1, "windows-1252")).not.toThrow();
    const noise = Uint8Array.from({ length: 200 }, (_, i) => (i * 37) % 256 || 1);
    expect(() => assertText(noise, "windows-1252")).toThrow(/not a text CSV/);
  });
});
