import { expect, test } from "@playwright/test";
import type { DatasetDto } from "../server/contracts/dataset";
import type { RunOverviewDto, TrialPageDto } from "../server/contracts/leaderboard";
import { fillRunForm, uploadThroughApi } from "./helpers";

/**
 * A serving constraint set in the new-run form, in the real studio: a size limit of 0.01 MB (10,486 bytes) on a small
 * CSV, where a linear model's archive takes about 5 KB and a forest's 20 to 300 KB (measured), so the default forest
 * (trial 1) is always over it and the default linear model (trial 0) always under it.
 */
const CSV = "x,y,colour,label\n" + Array.from({ length: 200 }, (_, i) => `${i % 17},${(i * 7) % 11},${["red", "green", "blue"][i % 3]},${(i * 5) % 9 > 3 ? "yes" : "no"}`).join("\n") + "\n";
const LIMIT_MB = 0.01;

test("a size limit marks the larger candidates infeasible, with the reason, and the best model meets it", async ({ page, request }) => {
  const upload = await uploadThroughApi(request, "constraints.csv", CSV);
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as DatasetDto;

  await page.goto(`/datasets/${dataset.id}`);
  await fillRunForm(page, { label: "label", maxTrials: 4, seed: 1, families: ["linear", "forest"] });
  await page.getByTestId("constraint-max-archive-mb").fill(String(LIMIT_MB));
  await page.getByTestId("start-run").click();
  await page.waitForURL(/\/runs\/[\w-]+$/);
  const runId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 240_000 });

  const { run } = (await (await request.get(`/api/runs/${runId}`)).json()) as RunOverviewDto;
  const { trials } = (await (await request.get(`/api/runs/${runId}/trials?limit=500`)).json()) as TrialPageDto;
  expect(run.constraints).toEqual({ maxArchiveBytes: Math.round(LIMIT_MB * 1024 * 1024), maxPredictMsPer1k: null, maxTrainSeconds: null });
  const infeasible = trials.filter((t) => t.infeasibleReason !== null);
  expect(infeasible.map((t) => t.number)).toContain(1);
  expect(trials.find((t) => t.id === run.bestTrialId)?.infeasibleReason).toBeNull();

  // the leaderboard: infeasible rows marked and greyed, with the reason; the best row is feasible
  const rows = page.getByTestId("leaderboard-row");
  await expect(rows).toHaveCount(trials.length);
  const infeasibleRows = page.locator('[data-testid="leaderboard-row"][data-feasible="false"]');
  await expect(infeasibleRows).toHaveCount(infeasible.length);
  for (const t of infeasible) {
    const row = page.locator(`[data-testid="leaderboard-row"][data-trial-id="${t.id}"]`);
    await expect(row).toHaveAttribute("data-feasible", "false");
    await expect(row).toContainText(`over the ${LIMIT_MB} MB limit`);
  }
  await expect(page.locator('[data-testid="leaderboard-row"][data-feasible="true"]')).toHaveCount(trials.length - infeasible.length);
  await expect(page.locator('[data-testid="leaderboard-row"][data-best="true"]')).toHaveAttribute("data-feasible", "true");

  // score against archive size: the infeasible candidates are said to be off the front, which lists feasible ones only
  const pareto = page.getByTestId("pareto-chart");
  await pareto.getByTestId("pareto-cost-select").selectOption("archive");
  await expect(pareto.locator('div[role="img"]')).toHaveAttribute("aria-label", new RegExp(`; ${infeasible.length} break the run's constraints$`));
  const frontNumbers = await pareto.getByTestId("pareto-row").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-number"))));
  expect(frontNumbers.length).toBeGreaterThan(0);
  for (const n of frontNumbers) expect(infeasible.map((t) => t.number)).not.toContain(n);
});
