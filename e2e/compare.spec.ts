import fs from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import type { TrialDto } from "../server/contracts/run";
import { CREDIT_G, parseCsv, readDownload, startRunThroughApi } from "./helpers";

/**
 * Comparing three candidates in the real studio: a small credit-g run (boosted trees and a linear model on a holdout
 * split, then the search's two ensembles), three of its candidates ticked on the leaderboard and opened side by side at
 * their own URL — the columns, the hyperparameters that differ highlighted, the CSV download, the same comparison after
 * a reload — and the error shown for a single candidate.
 */
test("compare three candidates side by side, download the comparison, reload it", async ({ page, request }) => {
  const run = await startRunThroughApi(request, "credit-g-compare.csv", await fs.readFile(CREDIT_G), { label: "class", maxTrials: 2, seed: 0, families: ["gbdt", "linear"], validation: "holdout" });

  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 240_000 });
  const { trials } = (await (await request.get(`/api/runs/${run.id}/trials?limit=50`)).json()) as { trials: TrialDto[] };
  const chosen = ["gbdt", "linear", "ensemble"].map((family) => trials.find((t) => t.family === family && t.status === "done")!);
  expect(chosen.every(Boolean)).toBe(true);

  await openComparison(page, chosen);
  await expect(page).toHaveURL(new RegExp(`/compare\\?trials=${chosen.map((t) => t.id).join("(,|%2C)")}$`));
  await expectComparison(page, chosen);

  // the whole comparison as CSV: one column per candidate, the hyperparameters as on the page
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("compare-csv").click()]);
  expect(download.suggestedFilename()).toBe(`comparison-${chosen.map((t) => t.number).join("-")}.csv`);
  const { header, rows } = parseCsv((await readDownload(download)).toString("utf8"));
  expect(header).toEqual(["section", "name", ...chosen.map((t) => `#${t.number} ${t.family}`)]);
  expect(rows.find((r) => r[0] === "candidate" && r[1] === "id")!.slice(2)).toEqual(chosen.map((t) => t.id));
  for (const name of paramNames(chosen)) {
    expect(rows.find((r) => r[0] === "hyperparameter" && r[1] === name)!.slice(2)).toEqual(chosen.map((t) => (t.params[name] === undefined ? "" : String(t.params[name]))));
  }
  const share = rows.find((r) => r[0] === "disagreement" && r[1] === "rows where predictions differ")![2];

  // its own URL: a reload shows the same comparison
  await page.reload();
  await expectComparison(page, chosen);
  await expect(page.getByTestId("disagreement-share")).toHaveAttribute("data-rows", share);

  // one candidate is not a comparison: the page says what to do
  await page.goto(`/compare?trials=${chosen[0].id}`);
  await expect(page.getByTestId("error")).toHaveText("Choose between 2 and 5 different candidates to compare (?trials=id1,id2,...).");
});

/** ticks the candidates on the run page's leaderboard and follows its compare link */
async function openComparison(page: Page, chosen: TrialDto[]): Promise<void> {
  const selected = page.getByTestId("compare-selected");
  await expect(selected).toHaveAttribute("aria-disabled", "true");
  for (const t of chosen) await page.locator(`[data-testid="leaderboard-row"][data-trial-id="${t.id}"]`).getByTestId("compare-checkbox").check();
  await selected.click();
  await page.waitForURL(/\/compare\?trials=/);
}

function paramNames(chosen: TrialDto[]): string[] {
  return [...new Set(chosen.flatMap((t) => Object.keys(t.params)))].sort();
}

async function expectComparison(page: Page, chosen: TrialDto[]): Promise<void> {
  const titles = chosen.map((t) => `#${t.number} ${t.family}`);
  await expect(page.getByTestId("compare-metrics").getByTestId("compare-candidate-header")).toHaveText(titles);
  await expect(page.getByTestId("compare-metrics").locator('[data-metric="auc"][data-split="validation"] td')).toHaveCount(3);

  // a row per hyperparameter; exactly those whose values are not all the same are highlighted, cell by cell
  const names = paramNames(chosen);
  const differing = names.filter((n) => new Set(chosen.map((t) => JSON.stringify(t.params[n] ?? null))).size > 1);
  const params = page.getByTestId("compare-params");
  await expect(params.getByTestId("compare-params-row")).toHaveCount(names.length);
  await expect(params.locator('[data-testid="compare-params-row"][data-differs="true"] th')).toHaveText(differing);
  await expect(params.locator('td.differs[data-differs="true"]')).toHaveCount(differing.length * 3);

  // the curves' text alternative, the costs, and where the predictions disagree on the validation rows
  await expect(page.getByTestId("compare-curves-table").locator("tbody tr")).toHaveCount(3);
  await expect(page.getByTestId("compare-costs").locator("tbody tr").first().locator("td")).toHaveCount(3);
  await expect(page.getByTestId("disagreement-share")).toHaveText(/^\d+ of 200 rows \(\d+\.\d%\)$/);
  // keyboard: the download is a focusable control
  await page.getByTestId("compare-csv").focus();
  await expect(page.getByTestId("compare-csv")).toBeFocused();
}
