import { UploadId, type UploadPhase, type UploadProgressDto } from "../contracts/upload";
import { NotFoundError } from "./errors";

/** how long a finished upload's last state can still be read: the browser's last poll comes well before */
export const FINISHED_TTL_MS = 60_000;
/** at most this many uploads are remembered; the oldest goes first (ids come from clients, so it must be bounded) */
export const MAX_UPLOADS = 500;
/** a byte count is written when it moved by 1% of the total, or this long after the last write */
const WRITE_EVERY_MS = 250;
const WRITE_EVERY_FRACTION = 0.01;

type CountedPhase = Extract<UploadPhase, "receiving" | "parsing">;
type StepPhase = Exclude<UploadPhase, CountedPhase>;

/** Where an upload reports how far it got: a no-op for uploads nobody asked to follow. */
export interface UploadProgress {
  /** bytes so far of a counted phase; throttled, so it can be called for every chunk */
  bytes(phase: CountedPhase, bytes: number, total: number | null): void;
  /** a step without a count, or the end ("done", "failed"); always written */
  phase(phase: StepPhase): void;
}

export const noUploadProgress: UploadProgress = { bytes() {}, phase() {} };

interface Entry {
  progress: UploadProgressDto;
  /** when the last write happened, for the throttle */
  writtenAt: number;
  /** when the upload ended (done or failed); null while it runs */
  finishedAt: number | null;
}

// On globalThis under a registered symbol: Next may load this module once per route bundle, and the upload route
// and the progress route must see the same map.
const KEY = Symbol.for("automl-studio.upload-progress");
type Holder = typeof globalThis & { [KEY]?: Map<string, Entry> };
const registry = (): Map<string, Entry> => ((globalThis as Holder)[KEY] ??= new Map());

const expired = (entry: Entry, now: number) => entry.finishedAt !== null && now - entry.finishedAt > FINISHED_TTL_MS;

/** drops expired entries, then the oldest while there is no room for one more */
function makeRoom(uploads: Map<string, Entry>, now: number) {
  for (const [id, entry] of uploads) if (expired(entry, now)) uploads.delete(id);
  for (const id of uploads.keys()) {
    if (uploads.size < MAX_UPLOADS) break;
    uploads.delete(id);
  }
}

/**
 * Starts recording an upload's progress under the id its client sent (`x-upload-id`); an id that is missing or
 * malformed is ignored, since progress is a nicety and must never fail the upload itself. The same id again
 * starts over.
 */
export function trackUpload(rawId: string | null | undefined): UploadProgress {
  const parsed = UploadId.safeParse(rawId);
  if (!parsed.success) return noUploadProgress;
  const id = parsed.data;
  const uploads = registry();
  const now = Date.now();
  uploads.delete(id); // re-inserted last, so that it is the newest
  makeRoom(uploads, now);
  // the reporter writes into its own entry: if that one is evicted or replaced, its writes go nowhere
  const entry: Entry = { progress: { id, phase: "receiving", bytes: 0, total: null }, writtenAt: now, finishedAt: null };
  uploads.set(id, entry);

  const write = (progress: Omit<UploadProgressDto, "id">) => {
    if (entry.finishedAt !== null) return;
    entry.progress = { id, ...progress };
    entry.writtenAt = Date.now();
    if (progress.phase === "done" || progress.phase === "failed") entry.finishedAt = entry.writtenAt;
  };
  return {
    bytes(phase, bytes, total) {
      const last = entry.progress;
      const moved = total ? (bytes - (last.bytes ?? 0)) / total >= WRITE_EVERY_FRACTION || bytes === total : false;
      if (last.phase === phase && !moved && Date.now() - entry.writtenAt < WRITE_EVERY_MS) return;
      write({ phase, bytes, total });
    },
    phase(phase) {
      write({ phase, bytes: null, total: null });
    },
  };
}

/** The last recorded state of an upload; 404 when the id is unknown or finished over a minute ago. */
export function getUploadProgress(id: string): UploadProgressDto {
  const uploads = registry();
  const entry = uploads.get(id);
  if (entry && expired(entry, Date.now())) uploads.delete(id);
  else if (entry) return entry.progress;
  throw new NotFoundError("The upload", "No upload with this id is in progress or finished in the last minute.");
}
