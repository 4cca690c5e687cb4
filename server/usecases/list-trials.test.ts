import { afterAll, beforeAll, expect, it } from "vitest";
import { generateTrials, seedRun, type SeedTrial } from "../../bench/ui/seed";
import { ListTrialsQuery } from "../contracts/leaderboard";
import type { Provider } from "../db/migrator";
import { createTestDatabase, describeEachProvider, type TestDatabase } from "../db/testing/databases";
import { describeError } from "./errors";
import { listTrials, readLeanTrials } from "./list-trials";
import { tempContext } from "./test-context";

const N = 300;
const scored = (t: SeedTrial) => (t.status === "done" || t.status === "stopped") && t.valScore !== null;

// on both databases: the lean read, the page's read by ids and the seed's bulk inserts are the store's own queries
describeEachProvider("list-trials", (provider: Provider) => {
  let db: TestDatabase;
  let ctx: Awaited<ReturnType<typeof tempContext>>;
  let runId: string;
  let seeded: SeedTrial[];
  beforeAll(async () => {
    db = await createTestDatabase(provider);
    ctx = await tempContext({ DATABASE_URL: db.url });
    ({ runId, trials: seeded } = await seedRun(ctx.store, { trials: N, pointsPerTrial: 2, seed: 3 }));
  });
  afterAll(async () => {
    await ctx?.dispose();
    await db?.drop();
  });
  const page = (query: Record<string, string>) => listTrials(ctx, runId, ListTrialsQuery.parse(query));

  it("pages the leaderboard order by default: scored best first (ties by number), then pruned, then failed", async () => {
    const expected = [
      ...seeded.filter(scored).sort((a, b) => b.valScore! - a.valScore! || a.number - b.number),
      ...seeded.filter((t) => t.status === "pruned").sort((a, b) => b.valScore! - a.valScore! || a.number - b.number),
      ...seeded.filter((t) => t.status === "failed").sort((a, b) => a.number - b.number),
    ].map((t) => t.number);
    const first = await page({});
    expect(first.total).toBe(N);
    expect(first.matching).toBe(N);
    expect(first.trials.map((t) => t.number)).toEqual(expected.slice(0, 50));
    const last = await page({ offset: String(N - 7), limit: "50" });
    expect(last.trials.map((t) => t.number)).toEqual(expected.slice(N - 7));
    expect((await page({ offset: String(N), limit: "10" })).trials).toEqual([]);
    // a page row is the whole candidate, as GET /api/runs/:id sent it before
    expect(first.trials[0].params).toEqual(seeded.find((t) => t.number === expected[0])!.params);
  });

  it.each([
    ["archive", "archiveBytes", "asc"],
    ["latency", "predictMsPer1k", "asc"],
    ["params", "paramCount", "desc"],
    ["test", "testScore", "desc"],
    ["duration", "trainSeconds", "desc"],
  ] as const)("sorts by %s (%s %s), candidates without a value last", async (sort, field, dir) => {
    const sign = dir === "asc" ? 1 : -1;
    const expected = [...seeded]
      .sort((a, b) => (a[field] === null || b[field] === null ? (a[field] === null ? 1 : 0) - (b[field] === null ? 1 : 0) : sign * (a[field]! - b[field]!)) || a.number - b.number)
      .map((t) => t.number);
    const got = await page({ sort, dir, limit: String(N) });
    expect(got.trials.map((t) => t.number)).toEqual(expected);
  });

  it("sorts a score best first and a cost cheapest first when no direction is given", async () => {
    const byVal = await page({ sort: "val", limit: "5" });
    const best = seeded.filter((t) => t.valScore !== null).sort((a, b) => b.valScore! - a.valScore! || a.number - b.number);
    expect(byVal.trials.map((t) => t.number)).toEqual(best.slice(0, 5).map((t) => t.number));
    const byNumber = await page({ sort: "number", limit: "3" });
    expect(byNumber.trials.map((t) => t.number)).toEqual([0, 1, 2]);
  });

  it("filters by family, status, feasibility and score range, with each facet's counts honouring the other filters", async () => {
    const got = await page({ family: "gbdt,linear", status: "done", feasible: "true", min: "0.7", max: "0.9", limit: "500" });
    const match = (t: SeedTrial) => ["gbdt", "linear"].includes(t.family) && t.status === "done" && t.infeasibleReason === null && t.valScore! >= 0.7 && t.valScore! <= 0.9;
    const expected = seeded.filter(match);
    expect(expected.length).toBeGreaterThan(10);
    expect(got.matching).toBe(expected.length);
    expect(got.trials.map((t) => t.number).sort((a, b) => a - b)).toEqual(expected.map((t) => t.number));
    expect(got.trials.every((t) => t.infeasibleReason === null && t.status === "done")).toBe(true);

    const inRange = (t: SeedTrial) => t.valScore !== null && t.valScore >= 0.7 && t.valScore <= 0.9;
    const count = (rows: SeedTrial[], key: (t: SeedTrial) => string) => rows.reduce<Record<string, number>>((acc, t) => ({ ...acc, [key(t)]: (acc[key(t)] ?? 0) + 1 }), {});
    expect(got.counts.byFamily).toEqual(count(seeded.filter((t) => t.status === "done" && t.infeasibleReason === null && inRange(t)), (t) => t.family));
    expect(got.counts.byStatus).toEqual(count(seeded.filter((t) => ["gbdt", "linear"].includes(t.family) && t.infeasibleReason === null && inRange(t)), (t) => t.status));
    const sansFeasibility = seeded.filter((t) => ["gbdt", "linear"].includes(t.family) && t.status === "done" && inRange(t));
    expect(got.counts.infeasible).toBe(sansFeasibility.filter((t) => t.infeasibleReason !== null).length);
    expect(got.counts.feasible).toBe(sansFeasibility.filter((t) => t.infeasibleReason === null).length);
    expect(got.counts.infeasible).toBeGreaterThan(0);

    const infeasible = await page({ feasible: "false", limit: "500" });
    expect(infeasible.matching).toBe(seeded.filter((t) => t.infeasibleReason !== null).length);
    expect(infeasible.trials.every((t) => /over the 2\.0 MB limit/.test(t.infeasibleReason ?? ""))).toBe(true);
  });

  it("looks up candidates by id", async () => {
    const ids = [seeded[5].id, seeded[42].id];
    const got = await page({ ids: ids.join(","), sort: "number" });
    expect(got.trials.map((t) => t.id)).toEqual(ids);
  });

  it("answers a bad query with a 400 that says what to send, and an unknown run with a 404", async () => {
    const message = (query: Record<string, string>) => {
      const parsed = ListTrialsQuery.safeParse(query);
      return parsed.success ? null : describeError(parsed.error);
    };
    expect(message({ sort: "size" })).toEqual({ status: 400, message: "Sort by one of: val, test, number, duration, archive, latency, params." });
    expect(message({ dir: "up" })?.message).toBe("The sort direction (dir) must be asc or desc.");
    expect(message({ status: "done,finished" })?.message).toMatch(/^Filter by status among: queued, running/);
    expect(message({ limit: "0" })?.message).toBe("The limit must be at least 1.");
    expect(message({ limit: "5000" })?.message).toBe("The limit must be at most 500.");
    expect(message({ offset: "-1" })?.message).toBe("The offset must be a whole number of at least 0.");
    expect(message({ min: "abc" })?.message).toBe("The score range's min must be a number.");
    expect(message({ min: "0.9", max: "0.1" })?.message).toBe("The score range's min must not be above its max.");
    expect(message({ colour: "red" })?.status).toBe(400);
    expect(describeError(await listTrials(ctx, "nope", {}).catch((e: unknown) => e)).status).toBe(404);
  });

  it("shares one read of a run's trials among callers that ask at once, and reads again afterwards", async () => {
    const [a, b] = [readLeanTrials(ctx, runId), readLeanTrials(ctx, runId)];
    expect(a).toBe(b);
    expect((await a).map((t) => t.number)).toEqual(seeded.map((t) => t.number));
    expect(readLeanTrials(ctx, runId)).not.toBe(a);
  });

  it("generates the same candidates for the same seed", () => {
    const a = generateTrials("r", { trials: 20, pointsPerTrial: 1, seed: 9 }).map((t) => [t.family, t.valScore, t.archiveBytes]);
    const b = generateTrials("r", { trials: 20, pointsPerTrial: 1, seed: 9 }).map((t) => [t.family, t.valScore, t.archiveBytes]);
    expect(a).toEqual(b);
  });
});
