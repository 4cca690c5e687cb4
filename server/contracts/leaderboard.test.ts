import { describe, expect, it } from "vitest";
import { patchPage, type TrialPageDto } from "./leaderboard";
import type { TrialDto } from "./run";

const trial = (number: number, patch: Partial<TrialDto> = {}): TrialDto => ({
  id: `t${number}`,
  runId: "r",
  number,
  family: "gbdt",
  params: {},
  status: "done",
  reason: null,
  valScore: 0.9 - number / 100,
  testScore: null,
  valMetrics: null,
  testMetrics: null,
  valScoreSe: null,
  testScoreSe: null,
  epochs: 3,
  bestEpoch: null,
  paramCount: null,
  archiveBytes: null,
  durationSeconds: 1,
  predictMsPer1k: null,
  startedAt: null,
  finishedAt: null,
  updatedAt: "2026-01-01T00:00:00.000Z",
  bracket: null,
  rung: null,
  rungScores: null,
  lowFidelityScore: null,
  parentNumber: null,
  infeasibleReason: null,
  ...patch,
});
const page = (trials: TrialDto[]): TrialPageDto => ({ total: 10, matching: 10, counts: { byFamily: { gbdt: 10 }, byStatus: { done: 10 }, feasible: 10, infeasible: 0 }, trials });

describe("patchPage (live updates of a cached leaderboard page)", () => {
  it("patches a row in place when nothing that orders or counts it changed", () => {
    const { page: patched, stale } = patchPage(page([trial(0), trial(1)]), {}, [trial(1, { epochs: 9 })], "max");
    expect(stale).toBe(false);
    expect(patched.trials.map((t) => t.epochs)).toEqual([3, 9]);
  });

  it("is stale when a row changes place, leaves the filters or changes a counted value, or a candidate off the page changes", () => {
    const base = page([trial(0), trial(1)]);
    expect(patchPage(base, {}, [trial(1, { valScore: 0.99 })], "max").stale).toBe(true);
    expect(patchPage(base, { family: ["gbdt"] }, [trial(1, { family: "linear" })], "max").stale).toBe(true);
    expect(patchPage(base, {}, [trial(1, { infeasibleReason: "too big" })], "max").stale).toBe(true);
    expect(patchPage(base, {}, [trial(7)], "max").stale).toBe(true);
    // a lookup by id is not changed by other candidates
    expect(patchPage(base, { ids: ["t0", "t1"] }, [trial(7)], "max").stale).toBe(false);
    // the duration orders rows only when the page is sorted by it
    expect(patchPage(base, {}, [trial(1, { durationSeconds: 50 })], "max").stale).toBe(false);
    expect(patchPage(base, { sort: "duration" }, [trial(1, { durationSeconds: 50 })], "max").stale).toBe(true);
  });
});
