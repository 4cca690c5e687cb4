import { describe, expect, it } from "vitest";
import { TEXT_BUCKETS, hashText, murmur3, tokenize } from "./text-hashing";

const bytes = (s: string) => new TextEncoder().encode(s);

describe("murmur3", () => {
  it("matches the reference MurmurHash3_x86_32 vectors", () => {
    const u = (h: number) => h >>> 0;
    expect(u(murmur3(bytes(""), 0))).toBe(0);
    expect(u(murmur3(bytes(""), 1))).toBe(0x514e28b7);
    expect(u(murmur3(bytes(""), 0xffffffff))).toBe(0x81f16f39);
    expect(u(murmur3(new Uint8Array(4), 0))).toBe(0x2362f9de);
    expect(u(murmur3(bytes("aaaa"), 0x9747b28c))).toBe(0x5a97808a);
    expect(u(murmur3(bytes("abc"), 0))).toBe(0xb3dd93fa);
    expect(u(murmur3(bytes("Hello, world!"), 0x9747b28c))).toBe(0x24884cba);
    expect(u(murmur3(bytes("The quick brown fox jumps over the lazy dog"), 0x9747b28c))).toBe(0x2fa826cd);
  });

  it("is signed, as scikit-learn's murmurhash3_32 and mmh3.hash return it", () => {
    expect(murmur3(bytes("foo"))).toBe(-156908512);
  });
});

describe("tokenize", () => {
  it("lowercases runs of Unicode letters and digits; accents written either way are one token", () => {
    expect(tokenize("Ford Mustang-II, 1970 (V8)!")).toEqual(["ford", "mustang", "ii", "1970", "v8"]);
    expect(tokenize("Brûlée q\u0301x")).toEqual(["brûlée", "q\u0301x"]); // q + accent has no composed form
    expect(tokenize("cre\u0300me")).toEqual(tokenize("crème"));
    expect(tokenize("  ...  ")).toEqual([]);
  });
});

describe("hashText", () => {
  const hashed = (text: string) => {
    const out = new Float32Array(TEXT_BUCKETS + 2);
    hashText(text, TEXT_BUCKETS, out, 1);
    return out;
  };
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

  it("is deterministic, L2-normalised, writes only its own slots, and ignores case and punctuation", () => {
    const a = hashed("The cat sat on the mat; the cat slept.");
    expect(Array.from(hashed("The cat sat on the mat; the cat slept."))).toEqual(Array.from(a));
    expect(norm(a)).toBeCloseTo(1, 6);
    expect([a[0], a[TEXT_BUCKETS + 1]]).toEqual([0, 0]);
    expect(Array.from(hashed("the CAT sat on the mat the cat slept"))).toEqual(Array.from(a));
  });

  it("weighs repeated words by log1p of their count, with the bucket's sign", () => {
    const one = hashed("zebra");
    const slot = one.findIndex((v) => v !== 0);
    expect(Math.abs(one[slot])).toBeCloseTo(1, 6);
    const h = murmur3(bytes("zebra"));
    expect(slot - 1).toBe(Math.abs(h) % TEXT_BUCKETS);
    expect(Math.sign(one[slot])).toBe(h < 0 ? -1 : 1);
    // "zebra" x3 and "okapi" x1: log1p(3) against log1p(1) before normalising (if they do not share a bucket)
    const two = hashed("zebra okapi zebra zebra");
    const other = two.findIndex((v, i) => v !== 0 && i !== slot);
    expect(Math.abs(two[slot] / two[other])).toBeCloseTo(Math.log1p(3) / Math.log1p(1), 5);
  });

  it("leaves zeros for text without tokens", () => {
    expect(hashed("?!").every((v) => v === 0)).toBe(true);
  });
});
