import fs from "node:fs/promises";
import { expect, test } from "@playwright/test";
import type { DatasetDto } from "../server/contracts/dataset";
import { CREDIT_G, startRunFromForm, uploadThroughApi } from "./helpers";

/**
 * Neural architecture search with learning-curve estimation on credit-g, in the real studio: the form's choices reach
 * the run, stopped trials show the forecast that stopped them beside their real curve, and a finished candidate's
 * network is drawn (the same content as a table). Seed 1, 8 trials, holdout validation: measured in the pipeline test
 * with this seed, most trials after the first are stopped by their curve within 5-11 epochs.
 */
test("a NAS run with learning-curve estimation: stopped trials show their forecast, candidates their architecture", async ({ page, request }) => {
  const upload = await uploadThroughApi(request, "credit-g-nas.csv", await fs.readFile(CREDIT_G));
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as DatasetDto;

  await startRunFromForm(page, dataset.id, { label: "class", budgetMinutes: "", maxTrials: "8", seed: "1", family: "nas", estimation: "curve", validation: "holdout" });
  await expect(page.getByTestId("run-family")).toContainText("nas");
  await expect(page.getByTestId("run-estimation")).toContainText("curve");
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 240_000 });

  // 8 networks, then the search's two ensembles of them
  const rows = page.locator('[data-testid="leaderboard-row"][data-family="nas"]');
  await expect(rows).toHaveCount(8);
  await expect(rows.locator("td:nth-child(2)")).toHaveText(Array(8).fill("nas"));
  await expect(page.locator('[data-testid="leaderboard-row"][data-family="ensemble"]')).toHaveCount(2);

  // a trial the curve rule stopped: its reason gives the forecast, its chart draws it beside the real curve
  const pruned = page.locator('[data-testid="leaderboard-row"][data-status="pruned"]').first();
  await expect(pruned).toContainText(/stopped at epoch \d+: predicted final auc [\d.]+ ± [\d.]+/);
  await pruned.click();
  const metricCurve = page.getByTestId("learning-curve").getByTestId("metric-curve");
  await expect(metricCurve).toHaveAttribute("data-forecast", "true");
  await expect.poll(() => metricCurve.locator(".recharts-legend-item-text").allTextContents()).toEqual(expect.arrayContaining(["predicted", "95% band", "validation ROC AUC"]));

  // the best network (the leaderboard is sorted best first; an ensemble may be above it): boxes from the input to the
  // head, and the same as a table
  await rows.first().click();
  const diagram = page.getByTestId("architecture-diagram");
  await expect(diagram).toBeVisible();
  const nodes = diagram.getByTestId("arch-node");
  expect(await nodes.count()).toBeGreaterThanOrEqual(3);
  await expect(nodes.first()).toHaveAttribute("data-id", "input");
  await expect(nodes.last()).toHaveAttribute("data-id", "head");
  await diagram.getByText("As a table").click();
  await expect(diagram.locator("tbody tr")).toHaveCount(await nodes.count());

  // leave the shared studio as it was (studio.spec.ts checks the data directory's size and the runs of its dataset)
  expect((await request.delete(`/api/datasets/${dataset.id}`)).status()).toBe(204);
});

/**
 * Lower-fidelity estimation through the form: the run page reports how well cheap scores rank the candidates trained
 * both ways, screened trials say why they were not trained in full, and a promoted one shows its cheap score.
 * Seed 1, 10 trials, holdout: as in the pipeline test, the first 4 are trained both ways and at least 2 are screened out.
 */
test("a NAS run at lower fidelity: the rank correlation, and why each screened trial stopped", async ({ page, request }) => {
  const upload = await uploadThroughApi(request, "credit-g-low.csv", await fs.readFile(CREDIT_G));
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as DatasetDto;

  await startRunFromForm(page, dataset.id, { label: "class", budgetMinutes: "", maxTrials: "10", seed: "1", family: "nas", estimation: "low", validation: "holdout" });
  await expect(page.getByTestId("run-estimation")).toContainText("low");
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 240_000 });

  await expect(page.getByTestId("fidelity-spearman")).toHaveText(/^ρ = -?[01]\.\d\d over \d+ candidates$/);
  const pruned = page.locator('[data-testid="leaderboard-row"][data-status="pruned"]');
  expect(await pruned.count()).toBeGreaterThanOrEqual(2);
  await expect(pruned.first()).toContainText(/lower fidelity: auc [\d.]+ on 500 of 600 training rows, half the units, a third of the epochs, ranks \d+ of \d+/);

  // the best network trained in full (an ensemble of them may rank above it)
  await page.locator('[data-testid="leaderboard-row"][data-family="nas"][data-status="done"]').first().click();
  await expect(page.getByTestId("trial-estimation")).toHaveText(/^Lower-fidelity .+: [\d.]+\.$/);

  expect((await request.delete(`/api/datasets/${dataset.id}`)).status()).toBe(204);
});
