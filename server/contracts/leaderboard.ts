import { z } from "zod";
import { compareTrials, RunDto, TrialDto, TrialStatus, type Direction } from "./run";

/**
 * The leaderboard at scale: GET /api/runs/:id/trials sorts, filters and pages a run's candidates on the server, so a
 * run of 10,000 candidates sends one page of rows, not all of them.
 */

/** the columns a leaderboard sorts by; without one it keeps the leaderboard's own order (compareTrials) */
export const LEADERBOARD_SORTS = ["val", "test", "number", "duration", "archive", "latency", "params"] as const;
export const LeaderboardSort = z.enum(LEADERBOARD_SORTS, { error: `Sort by one of: ${LEADERBOARD_SORTS.join(", ")}.` });
export type LeaderboardSort = z.infer<typeof LeaderboardSort>;

export const LEADERBOARD_PAGE_SIZE = 50;
export const MAX_LEADERBOARD_PAGE = 500;
/** the most ids one request may look up (a comparison takes at most 5; a selection a few) */
const MAX_IDS = 100;

// query-string values: a missing or empty value is an error here, not a silent 0 as Number("") would make it
const number = (what: string) => z.string().trim().regex(/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/, `The ${what} must be a number.`).transform(Number);
const whole = (what: string, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `The ${what} must be a whole number of at least 0.`)
    .transform(Number)
    .pipe(z.number().max(max, `The ${what} must be at most ${max}.`));
/** "a,b,c" as a list; empty items dropped */
const commaList = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(item));

/** GET /api/runs/:id/trials's query string (every value a string there: numbers are coerced) */
export const ListTrialsQuery = z
  .object({
    sort: LeaderboardSort.optional(),
    /** asc or desc; unless given, a score sorts best first and a cost or the number lowest first */
    dir: z.enum(["asc", "desc"], { error: "The sort direction (dir) must be asc or desc." }).optional(),
    family: commaList(z.string().min(1)).optional(),
    status: commaList(z.enum(TrialStatus.options, { error: `Filter by status among: ${TrialStatus.options.join(", ")} (several joined by commas).` })).optional(),
    feasible: z.enum(["true", "false"], { error: "The feasible filter must be true or false." }).transform((v) => v === "true").optional(),
    /** the validation score range (inclusive); a candidate without a score is outside any range */
    min: number("score range's min").optional(),
    max: number("score range's max").optional(),
    /** look up these candidates only (the selected one, a comparison's) */
    ids: commaList(z.string().min(1)).pipe(z.array(z.string()).max(MAX_IDS, `At most ${MAX_IDS} ids.`)).optional(),
    offset: whole("offset", Number.MAX_SAFE_INTEGER).optional(),
    limit: whole("limit", MAX_LEADERBOARD_PAGE).pipe(z.number().min(1, "The limit must be at least 1.")).optional(),
  })
  .strict()
  .refine((q) => q.min === undefined || q.max === undefined || q.min <= q.max, { message: "The score range's min must not be above its max.", path: ["min"] });
export type ListTrialsQuery = z.input<typeof ListTrialsQuery>;
export type ListTrialsFilter = z.output<typeof ListTrialsQuery>;

/**
 * Counts for the filters: each facet counted with the other filters applied (how many rows choosing that value
 * would show), e.g. byFamily ignores the family filter but honours status, feasibility and the score range.
 */
export const LeaderboardCountsDto = z.object({
  byFamily: z.record(z.string(), z.number().int()),
  byStatus: z.record(z.string(), z.number().int()),
  feasible: z.number().int(),
  infeasible: z.number().int(),
});
export type LeaderboardCountsDto = z.infer<typeof LeaderboardCountsDto>;

export const TrialPageDto = z.object({
  /** the run's candidates in all */
  total: z.number().int(),
  /** those the filters let through (the page is a slice of them) */
  matching: z.number().int(),
  counts: LeaderboardCountsDto,
  trials: z.array(TrialDto),
});
export type TrialPageDto = z.infer<typeof TrialPageDto>;

/** GET /api/runs/:id — the run and its best candidate (the leaderboard's rows come a page at a time from /trials) */
export const RunOverviewDto = z.object({ run: RunDto, best: TrialDto.nullable() });
export type RunOverviewDto = z.infer<typeof RunOverviewDto>;

/** what the leaderboard sorts and filters a candidate by (the server reads only these for the whole run) */
export type LeaderboardKeys = Pick<TrialDto, "id" | "number" | "family" | "status" | "valScore" | "testScore" | "durationSeconds" | "archiveBytes" | "predictMsPer1k" | "paramCount" | "infeasibleReason">;

export type LeaderboardFacet = "family" | "status" | "feasible" | "score" | "ids";

/** the filters a query sets, each a test on one facet (the server filters and counts with them; the live client checks rows) */
export function leaderboardFilters(q: Partial<ListTrialsFilter>): { facet: LeaderboardFacet; test(t: LeaderboardKeys): boolean }[] {
  const filters: { facet: LeaderboardFacet; test(t: LeaderboardKeys): boolean }[] = [];
  if (q.family?.length) filters.push({ facet: "family", test: (t) => q.family!.includes(t.family) });
  if (q.status?.length) filters.push({ facet: "status", test: (t) => (q.status as string[]).includes(t.status) });
  if (q.feasible !== undefined) filters.push({ facet: "feasible", test: (t) => (t.infeasibleReason === null) === q.feasible });
  if (q.min !== undefined || q.max !== undefined) {
    const lo = q.min ?? -Infinity;
    const hi = q.max ?? Infinity;
    filters.push({ facet: "score", test: (t) => t.valScore !== null && t.valScore >= lo && t.valScore <= hi });
  }
  if (q.ids?.length) filters.push({ facet: "ids", test: (t) => q.ids!.includes(t.id) });
  return filters;
}

const COLUMNS: Record<LeaderboardSort, (t: LeaderboardKeys) => number | null> = {
  val: (t) => t.valScore,
  test: (t) => t.testScore,
  number: (t) => t.number,
  duration: (t) => t.durationSeconds,
  archive: (t) => t.archiveBytes,
  latency: (t) => t.predictMsPer1k,
  params: (t) => t.paramCount,
};

/**
 * The leaderboard's order without a sort; with one, by that column (a score best first and a cost lowest first
 * unless dir says otherwise), candidates without a value last, ties by trial number.
 */
export function trialOrder(sort: LeaderboardSort | undefined, dir: "asc" | "desc" | undefined, direction: Direction): (a: LeaderboardKeys, b: LeaderboardKeys) => number {
  if (!sort) return compareTrials(direction);
  const value = COLUMNS[sort];
  const ascending = sortDirection(sort, dir, direction) === "asc";
  return (a, b) => {
    const va = value(a);
    const vb = value(b);
    if (va === null || vb === null) return va === vb ? a.number - b.number : va === null ? 1 : -1;
    return (ascending ? va - vb : vb - va) || a.number - b.number;
  };
}

/**
 * A live update applied to one cached page: rows on it are replaced in place; `stale` says the page (or its counts)
 * may have changed beyond that, so it must be fetched again: a changed candidate that is not on the page (it may
 * enter it, and it moves the counts), or one on it that changed place, left the filters or changed a counted value.
 */
export function patchPage(page: TrialPageDto, view: Partial<ListTrialsFilter>, changed: readonly TrialDto[], direction: Direction): { page: TrialPageDto; stale: boolean } {
  const order = trialOrder(view.sort, view.dir, direction);
  const filters = leaderboardFilters(view);
  const matches = (t: LeaderboardKeys) => filters.every((f) => f.test(t));
  const byId = new Map(changed.map((t) => [t.id, t]));
  let stale = false;
  const trials = page.trials.map((old) => {
    const now = byId.get(old.id);
    if (!now) return old;
    const counted = (t: TrialDto) => [t.family, t.status, t.infeasibleReason === null, t.valScore].join("|");
    if (order(old, now) !== 0 || counted(old) !== counted(now) || !matches(now)) stale = true;
    return now;
  });
  if (changed.some((t) => !page.trials.some((row) => row.id === t.id) && (!view.ids?.length || view.ids.includes(t.id)))) stale = true;
  return { page: { ...page, trials }, stale };
}

/** the direction a sort goes: as asked, else a score best first and a cost or the number lowest first */
export const sortDirection = (sort: LeaderboardSort, dir: "asc" | "desc" | undefined, direction: Direction): "asc" | "desc" =>
  dir ?? ((sort === "val" || sort === "test") && direction === "max" ? "desc" : "asc");
