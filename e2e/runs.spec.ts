import { expect, test, type Page } from "@playwright/test";
import type { DatasetDto } from "../server/contracts/dataset";
import type { RunDto } from "../server/contracts/run";
import { fillRunForm, uploadThroughApi } from "./helpers";

/**
 * Runs and history in the real studio: a small run started from the form (with a training-time constraint), cloned
 * from the dataset page with another seed, strategy and validation, and the two runs compared side by side.
 */
const CSV = "x,y,colour,label\n" + Array.from({ length: 200 }, (_, i) => `${i % 17},${(i * 7) % 11},${["red", "green", "blue"][i % 3]},${(i * 5) % 9 > 3 ? "yes" : "no"}`).join("\n") + "\n";

const runRow = (page: Page, runId: string) => page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
const setting = (page: Page, key: string) => page.locator(`[data-testid="compare-setting"][data-key="${key}"]`);

async function finished(page: Page): Promise<string> {
  await page.waitForURL(/\/runs\/[\w-]+$/);
  const runId = new URL(page.url()).pathname.split("/").pop()!;
  await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 240_000 });
  return runId;
}

test("clone a run with another seed and strategy, then compare the two", async ({ page, request }) => {
  const upload = await uploadThroughApi(request, "history.csv", CSV);
  expect(upload.status()).toBe(201);
  const dataset = (await upload.json()) as DatasetDto;

  // the first run, through the form
  await page.goto(`/datasets/${dataset.id}`);
  await fillRunForm(page, { label: "label", maxTrials: 3, seed: 1, families: ["gbdt", "linear"] });
  await page.getByTestId("strategy-select").selectOption("random");
  // a bad limit gets the server's message, and nothing starts
  await page.getByTestId("constraint-max-latency-ms").fill("0");
  await page.getByTestId("start-run").click();
  await expect(page.getByTestId("error")).toHaveText("The latency limit must be more than 0 ms.");
  await page.getByTestId("constraint-max-latency-ms").fill("");
  await page.getByTestId("constraint-max-train-seconds").fill("300");
  await page.getByTestId("start-run").click();
  const first = await finished(page);

  // clone it from the dataset page: the form holds its settings
  await page.goto(`/datasets/${dataset.id}`);
  await expect(runRow(page, first).getByTestId("run-settings")).toContainText("strategy: random");
  await expect(runRow(page, first).getByTestId("run-settings")).toContainText("max training seconds per candidate: 300");
  await runRow(page, first).getByTestId("clone-run").click();
  await page.waitForURL((url) => url.pathname === `/datasets/${dataset.id}` && url.searchParams.get("clone") === first);
  await expect(page.getByTestId("clone-note")).toHaveText(`Cloned from run ${first}: change what you like.`);
  await expect(page.getByTestId("label-select")).toHaveValue("label");
  await expect(page.getByTestId("family-select")).toHaveValues(["gbdt", "linear"]);
  await expect(page.getByTestId("max-trials")).toHaveValue("3");
  await expect(page.getByTestId("budget-minutes")).toHaveValue("5");
  await expect(page.getByTestId("seed")).toHaveValue("1");
  await expect(page.getByTestId("strategy-select")).toHaveValue("random");
  await expect(page.getByTestId("validation-select")).toHaveValue("holdout");
  await expect(page.getByTestId("constraint-max-train-seconds")).toHaveValue("300");
  await expect(page.getByTestId("constraint-max-archive-mb")).toHaveValue("");

  await page.getByTestId("seed").fill("2");
  await page.getByTestId("strategy-select").selectOption("tpe");
  // cross-validated this time, each candidate keeping one refit model rather than the bag of its fold models (a
  // holdout candidate is always refit, so the choice shows only for cross-validation)
  await expect(page.getByTestId("final-model-select")).toHaveCount(0);
  await page.getByTestId("validation-select").selectOption("cv");
  await expect(page.getByTestId("final-model-select")).toHaveValue("bag");
  await page.getByTestId("final-model-select").selectOption("refit");
  await page.getByTestId("start-run").click();
  const second = await finished(page);
  expect(second).not.toBe(first);
  await expect(page.getByTestId("run-validation")).toHaveText("5-fold cross-validation · refit on all rows");

  // the new run has the new settings, and the old ones otherwise
  const { run } = (await (await request.get(`/api/runs/${second}`)).json()) as { run: RunDto };
  expect(run).toMatchObject({
    datasetId: dataset.id,
    label: "label",
    seed: 2,
    strategy: "tpe",
    families: ["gbdt", "linear"],
    maxTrials: 3,
    budgetSeconds: 300,
    validation: "cv",
    finalModel: "refit",
    testFraction: 0.2,
    constraints: { maxArchiveBytes: null, maxPredictMsPer1k: null, maxTrainSeconds: 300 },
  });

  // compare the two from the dataset page
  await page.goto(`/datasets/${dataset.id}`);
  await expect(page.getByTestId("compare-runs")).toHaveAttribute("aria-disabled", "true");
  await runRow(page, first).getByTestId("run-compare-checkbox").check();
  await runRow(page, second).getByTestId("run-compare-checkbox").check();
  await page.getByTestId("compare-runs").click();
  await page.waitForURL((url) => url.pathname === "/runs/compare" && url.searchParams.get("runs") === `${first},${second}`);

  await expect(page.getByTestId("compare-run-column")).toHaveCount(2);
  await expect(setting(page, "strategy")).toHaveAttribute("data-differs", "true");
  await expect(setting(page, "strategy").locator("td")).toHaveText(["random", "tpe"]);
  await expect(setting(page, "seed")).toHaveAttribute("data-differs", "true");
  await expect(setting(page, "seed").locator("td")).toHaveText(["1", "2"]);
  await expect(setting(page, "validation").locator("td")).toHaveText(["holdout", "cv"]);
  await expect(setting(page, "finalModel").locator("td")).toHaveText(["bag", "refit"]);
  await expect(page.locator('[data-testid="compare-setting"][data-differs="true"]')).toHaveCount(4);
  await expect(setting(page, "families")).toHaveAttribute("data-differs", "false");
  await expect(setting(page, "maxTrainSeconds").locator("td")).toHaveText(["300", "300"]);

  // the best candidates and the progress: one line and one table row per run
  await expect(page.locator(`[data-testid="compare-best-candidate"][data-run-id="${first}"]`).first()).toBeVisible();
  await expect(page.locator(`[data-testid="compare-best-candidate"][data-run-id="${second}"]`).first()).toBeVisible();
  await expect(page.getByTestId("progress-row")).toHaveCount(2);
  await expect(page.getByTestId("progress-chart").locator("path.recharts-line-curve")).toHaveCount(2);

  // one run alone is not a comparison: the page says what to do
  await page.goto(`/runs/compare?runs=${first}`);
  await expect(page.getByTestId("error")).toHaveText("Choose at least 2 different runs to compare (?runs=id1,id2).");
});
