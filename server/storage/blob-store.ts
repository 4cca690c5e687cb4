/**
 * Where datasets, checkpoints and archives live. Keys are '/'-separated relative paths
 * (e.g. `datasets/<id>/raw.csv`). A local directory by default; a shared store later, so that
 * workers on other machines can reach the same files.
 */
export interface BlobStore {
  /** An absolute local path for the key, for libraries that need files (created parent folders). */
  localPath(key: string): Promise<string>;
  put(key: string, data: Uint8Array | string): Promise<void>;
  /** Writes atomically: a temp file, then a rename. */
  putStream(key: string, stream: ReadableStream<Uint8Array> | NodeJS.ReadableStream, maxBytes?: number): Promise<number>;
  get(key: string): Promise<Buffer>;
  exists(key: string): Promise<boolean>;
  /** Every key under a prefix (recursive). */
  list(prefix: string): Promise<string[]>;
  /** Deletes a key or a whole prefix. */
  remove(prefix: string): Promise<void>;
  /** Total bytes under a prefix ('' for everything); a file linked under several of its keys counts once. */
  size(prefix: string): Promise<number>;
}
