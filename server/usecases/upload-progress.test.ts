import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { UploadPhase, UploadProgressDto } from "../contracts/upload";
import { describeError } from "./errors";
import { uploadDataset } from "./upload-dataset";
import { FINISHED_TTL_MS, MAX_UPLOADS, getUploadProgress, trackUpload, type UploadProgress } from "./upload-progress";
import { bodyOf, tempContext } from "./test-context";

const GOOD = "x,y,label\n1,2,a\n2,3,b\n3,4,a\n4,5,b\n5,6,a\n";

/** the status a read of the id would answer with: 200, or the error's */
const statusOf = (id: string) => {
  try {
    getUploadProgress(id);
    return 200;
  } catch (err) {
    return describeError(err).status;
  }
};

describe("upload-progress registry", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("ignores missing and malformed ids", () => {
    for (const id of [null, undefined, "", "short", "has spaces in it", "../../etc/passwd", "x".repeat(65)]) {
      trackUpload(id).phase("saving");
      if (id) expect(statusOf(id)).toBe(404);
    }
  });

  it("records each phase, and 404s an unknown id with a clear message", () => {
    const p = trackUpload("phases-0001");
    expect(getUploadProgress("phases-0001")).toEqual({ id: "phases-0001", phase: "receiving", bytes: 0, total: null });
    p.bytes("parsing", 500, 1000);
    expect(getUploadProgress("phases-0001")).toMatchObject({ phase: "parsing", bytes: 500, total: 1000 });
    p.phase("profiling");
    expect(getUploadProgress("phases-0001")).toMatchObject({ phase: "profiling", bytes: null, total: null });
    expect(statusOf("never-seen-1")).toBe(404);
    expect(describeError(catchOf(() => getUploadProgress("never-seen-1"))).message).toMatch(/No upload with this id/);
  });

  it("throttles byte counts to every 1% or 250 ms, but never a change of phase", () => {
    const p = trackUpload("throttle-01");
    p.bytes("parsing", 100, 100_000);
    p.bytes("parsing", 500, 100_000); // +0.4% within 250 ms: skipped
    expect(getUploadProgress("throttle-01").bytes).toBe(100);
    p.bytes("parsing", 1_200, 100_000); // +1.1%: written
    expect(getUploadProgress("throttle-01").bytes).toBe(1_200);
    vi.setSystemTime(Date.now() + 300);
    p.bytes("parsing", 1_300, 100_000); // 300 ms later: written
    expect(getUploadProgress("throttle-01").bytes).toBe(1_300);
    p.bytes("parsing", 100_000, 100_000); // the end: always written
    expect(getUploadProgress("throttle-01").bytes).toBe(100_000);
    p.phase("saving");
    expect(getUploadProgress("throttle-01").phase).toBe("saving");
  });

  it("keeps a finished upload for a minute, and ignores writes after the end", () => {
    const p = trackUpload("expires-01");
    p.phase("done");
    p.phase("failed");
    vi.setSystemTime(Date.now() + FINISHED_TTL_MS - 1000);
    expect(getUploadProgress("expires-01").phase).toBe("done");
    vi.setSystemTime(Date.now() + 2000);
    expect(statusOf("expires-01")).toBe(404);
  });

  it("keeps a running upload however long it takes", () => {
    trackUpload("long-run-01").bytes("parsing", 1, 10);
    vi.setSystemTime(Date.now() + 10 * FINISHED_TTL_MS);
    expect(getUploadProgress("long-run-01").phase).toBe("parsing");
  });

  it("remembers at most MAX_UPLOADS uploads, dropping the oldest", () => {
    const ids = Array.from({ length: MAX_UPLOADS + 5 }, (_, i) => `bounded-${String(i).padStart(4, "0")}`);
    for (const id of ids) trackUpload(id);
    expect(ids.slice(0, 5).map(statusOf)).toEqual([404, 404, 404, 404, 404]);
    expect(ids.slice(5).every((id) => statusOf(id) === 200)).toBe(true);
  });

  it("is shared by every copy of the module (Next loads one per route bundle)", async () => {
    trackUpload("shared-0001").phase("saving");
    vi.resetModules();
    const again = await import("./upload-progress");
    expect(again.getUploadProgress("shared-0001").phase).toBe("saving");
  });
});

function catchOf(work: () => unknown): unknown {
  try {
    work();
  } catch (err) {
    return err;
  }
  return null;
}

/** a reporter that keeps every call, unthrottled */
function recorder(): UploadProgress & { calls: Omit<UploadProgressDto, "id">[]; phases(): UploadPhase[] } {
  const calls: Omit<UploadProgressDto, "id">[] = [];
  return {
    calls,
    bytes: (phase, bytes, total) => calls.push({ phase, bytes, total }),
    phase: (phase) => calls.push({ phase, bytes: null, total: null }),
    // the phases in call order, repeats in a row counted once: so a phase coming back would show
    phases: () => calls.map((c) => c.phase).filter((p, i, all) => p !== all[i - 1]),
  };
}

describe("uploadDataset progress", () => {
  let ctx: Awaited<ReturnType<typeof tempContext>>;
  beforeEach(async () => {
    ctx = await tempContext();
  });
  afterEach(async () => ctx.dispose());

  it("reports receiving, parsing, profiling, saving and done, in that order", async () => {
    const progress = recorder();
    await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf(GOOD), declaredBytes: GOOD.length, progress });
    expect(progress.phases()).toEqual(["receiving", "parsing", "profiling", "saving", "done"]);
    // the counts end at the whole file
    const last = (phase: UploadPhase) => progress.calls.filter((c) => c.phase === phase).at(-1);
    expect(last("receiving")).toEqual({ phase: "receiving", bytes: GOOD.length, total: GOOD.length });
    expect(last("parsing")).toEqual({ phase: "parsing", bytes: GOOD.length, total: GOOD.length });
  });

  it("counts the bytes of a web stream body too (the route's request.body)", async () => {
    const progress = recorder();
    await uploadDataset(ctx, { fileName: "d.csv", body: new Response(GOOD).body, progress });
    expect(progress.calls.filter((c) => c.phase === "receiving").at(-1)).toEqual({ phase: "receiving", bytes: GOOD.length, total: null });
  });

  it("ends with failed when the file is refused, the POST's error unchanged", async () => {
    const progress = recorder();
    const err = await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf("only\n1\n2\n"), progress }).catch((e: unknown) => e);
    expect(describeError(err)).toMatchObject({ status: 400, message: expect.stringMatching(/one column/i) });
    expect(progress.phases()).toEqual(["receiving", "parsing", "failed"]);
  });

  it("ends with failed for a refusal before any byte is read", async () => {
    const progress = recorder();
    await uploadDataset(ctx, { fileName: "d.csv", body: null, progress }).catch(() => {});
    expect(progress.phases()).toEqual(["failed"]);
  });

  it("leaves the last state in the registry for the progress route", async () => {
    await uploadDataset(ctx, { fileName: "d.csv", body: bodyOf(GOOD), progress: trackUpload("end-to-end-01") });
    expect(getUploadProgress("end-to-end-01")).toEqual({ id: "end-to-end-01", phase: "done", bytes: null, total: null });
  });
});
