import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomUUID } from "node:crypto";
import type { BlobStore } from "./blob-store";

export class TooLargeError extends Error {}

/** The default BlobStore: a local directory. Writes go to a temp file first, then a rename (atomic). */
export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  private resolve(key: string): string {
    const full = path.resolve(this.root, key);
    if (full !== this.root && !full.startsWith(this.root + path.sep)) throw new Error(`invalid storage key: ${key}`);
    return full;
  }

  async localPath(key: string): Promise<string> {
    const full = this.resolve(key);
    await fs.mkdir(path.dirname(full), { recursive: true });
    return full;
  }

  async put(key: string, data: Uint8Array | string): Promise<void> {
    const full = await this.localPath(key);
    const tmp = `${full}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, full);
  }

  async putStream(key: string, stream: ReadableStream<Uint8Array> | NodeJS.ReadableStream, maxBytes = Infinity): Promise<number> {
    const full = await this.localPath(key);
    const tmp = `${full}.${randomUUID()}.tmp`;
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > maxBytes) done(new TooLargeError(`file is larger than the limit of ${Math.round(maxBytes / 1048576)} MB`));
        else done(null, chunk);
      },
    });
    const source = "getReader" in stream ? Readable.fromWeb(stream as import("node:stream/web").ReadableStream) : (stream as NodeJS.ReadableStream);
    try {
      await pipeline(source, limit, createWriteStream(tmp));
      await fs.rename(tmp, full);
      return bytes;
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  async get(key: string): Promise<Buffer> {
    return fs.readFile(this.resolve(key));
  }

  async exists(key: string): Promise<boolean> {
    return fs.access(this.resolve(key)).then(() => true, () => false);
  }

  async list(prefix: string): Promise<string[]> {
    const base = this.resolve(prefix);
    const entries = await fs.readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isFile())
      .map((e) => path.relative(this.root, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
      .sort();
  }

  async remove(prefix: string): Promise<void> {
    await fs.rm(this.resolve(prefix), { recursive: true, force: true });
  }

  async size(prefix: string): Promise<number> {
    const files = await this.list(prefix);
    // a file linked under several keys (an ensemble's members' models, server/jobs/ensemble-trial.ts) counts once
    const counted = new Set<string>();
    let total = 0;
    for (const f of files) {
      // a file removed meanwhile (a run being deleted) no longer counts
      const stat = await fs.stat(this.resolve(f)).catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return null;
        throw err;
      });
      if (!stat || counted.has(`${stat.dev}:${stat.ino}`)) continue;
      counted.add(`${stat.dev}:${stat.ino}`);
      total += stat.size;
    }
    return total;
  }
}
