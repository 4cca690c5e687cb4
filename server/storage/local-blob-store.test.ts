import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { LocalBlobStore, TooLargeError } from "./local-blob-store";

async function tempStore() {
  return new LocalBlobStore(await fs.mkdtemp(path.join(os.tmpdir(), "blobs-")));
}

describe("LocalBlobStore", () => {
  it("round-trips bytes, lists, sizes and removes by prefix", async () => {
    const s = await tempStore();
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    await s.put("a/b/x.bin", bytes);
    await s.put("a/c.txt", "hello");
    expect(new Uint8Array(await s.get("a/b/x.bin"))).toEqual(bytes);
    expect(await s.list("a")).toEqual(["a/b/x.bin", "a/c.txt"]);
    expect(await s.size("")).toBe(10);
    await s.remove("a/b");
    expect(await s.exists("a/b/x.bin")).toBe(false);
    expect(await s.list("a")).toEqual(["a/c.txt"]);
  });

  it("sizes a file linked under two keys once", async () => {
    const s = await tempStore();
    await s.put("trial/model.bin", new Uint8Array(100));
    await fs.link(await s.localPath("trial/model.bin"), await s.localPath("ensemble/member/model.bin"));
    expect([await s.size("trial"), await s.size("ensemble"), await s.size("")]).toEqual([100, 100, 100]);
  });

  it("streams to a file and refuses a stream over the limit without leaving a file", async () => {
    const s = await tempStore();
    expect(await s.putStream("up.csv", Readable.from([Buffer.from("a,b\n"), Buffer.from("1,2\n")]))).toBe(8);
    expect((await s.get("up.csv")).toString()).toBe("a,b\n1,2\n");
    await expect(s.putStream("big.csv", Readable.from([Buffer.alloc(600), Buffer.alloc(600)]), 1000)).rejects.toBeInstanceOf(TooLargeError);
    expect(await s.list("")).toEqual(["up.csv"]);
  });

  it("rejects keys that escape the root", async () => {
    const s = await tempStore();
    await expect(s.put("../evil", "x")).rejects.toThrow(/invalid storage key/);
  });
});
