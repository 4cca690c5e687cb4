import { expect, test, type Page } from "@playwright/test";
import { seedRun, type SeedTrial } from "../bench/ui/seed";
import { openDb } from "../server/db/client";

/**
 * The leaderboard at 10,000 candidates: seeded through the real database the studio under test uses (its SQLite in
 * E2E_DATA_DIR), then read through the UI: the order after a sort, the filters' counts, keyboard selection and the
 * compare link.
 */
const N = 10_000;
let runId: string;
let seeded: SeedTrial[];

test.beforeAll(async () => {
  const db = await openDb({ databaseUrl: "", dataDir: process.env.E2E_DATA_DIR });
  try {
    ({ runId, trials: seeded } = await seedRun(db.store, { trials: N, pointsPerTrial: 2, seed: 11 }));
  } finally {
    await db.close();
  }
});

const rows = (page: Page) => page.getByTestId("leaderboard-row");
const rowIds = (page: Page) => rows(page).evaluateAll((els) => els.map((e) => e.getAttribute("data-trial-id")));
const scored = (t: SeedTrial) => (t.status === "done" || t.status === "stopped") && t.valScore !== null;
const byNumber = (a: SeedTrial, b: SeedTrial) => a.number - b.number;

test("10,000 candidates: one page in leaderboard order, sorted by a header, filtered with counts", async ({ page }) => {
  await page.goto(`/runs/${runId}`);
  // the leaderboard's order: scored candidates best first (ties: the earlier), then pruned by score, then the rest
  const expected = [...seeded.filter(scored).sort((a, b) => b.valScore! - a.valScore! || byNumber(a, b)), ...seeded.filter((t) => t.status === "pruned").sort((a, b) => b.valScore! - a.valScore! || byNumber(a, b))];
  await expect(rows(page)).toHaveCount(50);
  expect(await rowIds(page)).toEqual(expected.slice(0, 50).map((t) => t.id));
  await expect(page.getByTestId("leaderboard-range")).toHaveText("1–50 of 10,000");
  await expect(page.getByTestId("run-trial-count")).toHaveText("10000");
  await expect(page.getByTestId("run-status")).toHaveText("completed");
  await expect(page.getByTestId("run-error")).toHaveCount(0);

  // sort by archive size: cheapest first, then the header flips it; candidates without one (the failed) last
  const byArchive = seeded.filter((t) => t.archiveBytes !== null).sort((a, b) => a.archiveBytes! - b.archiveBytes! || byNumber(a, b));
  await page.getByTestId("sort-archive").click();
  await expect(rows(page).first()).toHaveAttribute("data-trial-id", byArchive[0].id);
  expect(await rowIds(page)).toEqual(byArchive.slice(0, 50).map((t) => t.id));
  await expect(page.locator("th", { has: page.getByTestId("sort-archive") })).toHaveAttribute("aria-sort", "ascending");
  await page.getByTestId("sort-archive").click();
  await expect(rows(page).first()).toHaveAttribute("data-trial-id", byArchive.at(-1)!.id);
  await expect(page.locator("th", { has: page.getByTestId("sort-archive") })).toHaveAttribute("aria-sort", "descending");
  // the next page continues the order
  await page.getByTestId("page-next").click();
  await expect(rows(page).first()).toHaveAttribute("data-trial-id", byArchive.at(-51)!.id);

  // filters: the family's count, then feasibility counted within that family
  const count = (pred: (t: SeedTrial) => boolean) => seeded.filter(pred).length;
  const gbdt = count((t) => t.family === "gbdt");
  await expect(page.getByTestId("filter-family").locator('option[value="gbdt"]')).toHaveText(`gbdt (${gbdt.toLocaleString("en-US")})`);
  await page.getByTestId("filter-family").selectOption("gbdt");
  await expect(page.getByTestId("leaderboard-range")).toHaveText(`1–50 of ${gbdt.toLocaleString("en-US")} matching (10,000 in all)`);
  const infeasible = count((t) => t.family === "gbdt" && t.infeasibleReason !== null);
  await expect(page.getByTestId("filter-feasible").locator('option[value="false"]')).toHaveText(`infeasible (${infeasible.toLocaleString("en-US")})`);
  await expect(page.getByTestId("filter-feasible").locator('option[value="true"]')).toHaveText(`feasible (${(gbdt - infeasible).toLocaleString("en-US")})`);
  await page.getByTestId("filter-feasible").selectOption("false");
  await expect(page.getByTestId("leaderboard-range")).toHaveText(`1–50 of ${infeasible.toLocaleString("en-US")} matching (10,000 in all)`);
  const shown = rows(page);
  expect(await shown.evaluateAll((els) => els.every((e) => e.getAttribute("data-feasible") === "false" && e.getAttribute("data-family") === "gbdt"))).toBe(true);
  await expect(shown.first().getByTestId("infeasible-reason")).toHaveText(/^infeasible: archive [\d.]+ MB is over the 2\.0 MB limit$/);
  // a score range narrows further; the status counts follow every other filter
  await page.getByTestId("filter-min").fill("0.9");
  const high = count((t) => t.family === "gbdt" && t.infeasibleReason !== null && t.valScore !== null && t.valScore >= 0.9);
  expect(high).toBeGreaterThan(50);
  await expect(page.getByTestId("leaderboard-range")).toHaveText(`1–50 of ${high} matching (10,000 in all)`);
  const done = count((t) => t.family === "gbdt" && t.infeasibleReason !== null && t.valScore !== null && t.valScore >= 0.9 && t.status === "done");
  await expect(page.getByTestId("filter-status").locator('option[value="done"]')).toHaveText(`done (${done})`);
});

test("the keyboard moves through the rows and selects one; ticked candidates open side by side", async ({ page }) => {
  await page.goto(`/runs/${runId}`);
  await expect(rows(page)).toHaveCount(50);
  const ids = await rowIds(page);
  // one tab stop for the whole table: the selected (best) row
  await rows(page).first().focus();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(rows(page).nth(2)).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(rows(page).nth(1)).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(rows(page).nth(1)).toHaveAttribute("aria-selected", "true");
  await expect(rows(page).first()).toHaveAttribute("aria-selected", "false");
  const number = seeded.find((t) => t.id === ids[1])!.number;
  await expect(page.getByTestId("learning-curve").locator("h2")).toContainText(`Candidate #${number}`);
  // the sortable headers are buttons
  await expect(page.getByRole("button", { name: /Validation/ })).toBeVisible();

  // compare: enabled from two ticked candidates
  await expect(page.getByTestId("compare-selected")).toHaveAttribute("aria-disabled", "true");
  await page.getByRole("checkbox", { name: `compare candidate #${seeded.find((t) => t.id === ids[0])!.number}` }).check();
  await rows(page).nth(3).getByTestId("compare-checkbox").press("Space");
  await expect(rows(page).nth(3).getByTestId("compare-checkbox")).toBeChecked();
  await expect(page.getByTestId("compare-selected")).toHaveAttribute("href", `/compare?trials=${ids[0]},${ids[3]}`);
});
