import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { unzipSync } from "fflate";
import Papa from "papaparse";
import { CREDIT_G, formatBytes, formatScore, listDatasets, parseCsv, parseDisplayedBytes, readDownload, uploadThroughUi, writeTemp } from "./helpers";

/**
 * The main flow on credit-g (1000 rows, label `class` good/bad), against the real studio: upload, profile,
 * a search with a live leaderboard, cancel and continue, downloads, predictions (the studio's and the CLI's
 * agree byte for byte), deletion.
 *
 * The search: seed 2 with 8 trials. Trial n's hyperparameters and training seed depend on the seed and n only,
 * and training is deterministic, so this gives the same leaderboard every time (measured: best by validation is
 * trial #2, test AUC 0.809; every one of the 8 candidates has test AUC >= 0.78, so even a different winner on
 * another CPU stays above 0.75). Seed 0 was measured too but is marginal: 0.758 with 8 trials, 0.765 with 12.
 */
const SEED = 2;
const TRIALS = 8;
const MIN_TEST_AUC = 0.75;

const execFileAsync = promisify(execFile);

test.describe.configure({ mode: "serial" });

test.describe("studio main flow on credit-g", () => {
  let page: Page;
  let datasetId = "";
  let runId = "";
  let bestTestText = "";
  let archiveZip: Buffer;
  let tmp = "";

  test.beforeAll(async ({ browser }, testInfo) => {
    page = await browser.newPage({ acceptDownloads: true });
    tmp = testInfo.outputPath("work");
    await fs.mkdir(tmp, { recursive: true });
  });

  test.afterAll(async () => {
    await page?.close();
  });

  test("1. upload credit-g through the file picker and see its profile", async () => {
    await page.goto("/");
    await expect(page.getByTestId("data-dir-size")).toContainText(/data directory: [\d.]+ (B|KB|MB|GB)/);

    const { status, id } = await uploadThroughUi(page, CREDIT_G);
    expect(status).toBe(201);
    expect(id).toBeTruthy();
    datasetId = id!;
    await expect(page.getByTestId("upload-done")).toContainText("credit-g.csv: 1,000 rows, 21 columns");

    const row = page.locator(`[data-testid="dataset-row"][data-dataset-id="${datasetId}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByTestId("dataset-link")).toHaveText("credit-g.csv");
    await expect(row.locator("td").nth(1)).toHaveText("1,000");
    await expect(row.locator("td").nth(2)).toHaveText("21");

    await row.getByTestId("dataset-link").click();
    await page.waitForURL(`**/datasets/${datasetId}`);
    await expect(page.getByTestId("dataset-name")).toHaveText("credit-g.csv");
    await expect(page.getByTestId("dataset-rows")).toHaveText("1,000");
    await expect(page.getByTestId("dataset-cols")).toHaveText("21");

    const columns = page.getByTestId("column-row");
    await expect(columns).toHaveCount(21);
    const column = (name: string) => page.locator(`[data-testid="column-row"][data-column="${name}"]`);
    const expectedTypes: Record<string, string> = {
      duration: "numeric",
      credit_amount: "numeric",
      age: "numeric",
      purpose: "categorical",
      checking_status: "categorical",
      class: "categorical",
    };
    for (const [name, type] of Object.entries(expectedTypes)) {
      await expect(column(name).getByTestId("column-type")).toHaveText(type);
    }
    // credit-g has no missing values: every column shows 0 missing; `class` has 2 distinct values
    const missing = await columns.evaluateAll((rows) => rows.map((r) => r.querySelectorAll("td")[2]?.textContent?.trim()));
    expect(missing).toEqual(Array(21).fill("0"));
    await expect(column("class").locator("td").nth(3)).toHaveText("2");
    await expect(column("purpose").locator("td").nth(3)).toHaveText("10");
  });

  test("2-3. a run on `class`: live leaderboard, learning curve, completion and test AUC", async () => {
    await page.goto(`/datasets/${datasetId}`);
    await page.getByTestId("label-select").selectOption("class");
    await expect(page.getByTestId("detected-problem-type")).toHaveAttribute("data-problem-type", "binary");
    await expect(page.getByTestId("detected-problem-type")).toContainText("binary classification");
    await expect(page.getByTestId("metric-select")).toHaveValue("auc");
    await expect(page.getByTestId("metric-select").locator("option:checked")).toHaveText("ROC AUC (default)");
    await page.getByTestId("budget-minutes").fill("");
    await page.getByTestId("max-trials").fill(String(TRIALS));
    await page.getByTestId("seed").fill(String(SEED));
    // the one-click presets set a strategy and a scheduler together (this run keeps the defaults)
    await page.getByTestId("preset-bohb").click();
    await expect(page.getByTestId("strategy-select")).toHaveValue("tpe");
    await expect(page.getByTestId("scheduler-select")).toHaveValue("hyperband");
    await page.getByTestId("strategy-select").selectOption("random");
    await page.getByTestId("scheduler-select").selectOption("none");
    await expect(page.getByTestId("preset-hyperband")).toHaveAttribute("aria-pressed", "false");
    // the model families and the performance estimation are chosen per run: the default searches four families;
    // this run keeps to the MLP (its learning curves are checked below) and full training
    await expect(page.getByTestId("family-select")).toHaveValues(["mlp", "gbdt", "linear", "forest"]);
    await expect(page.getByTestId("family-select").locator("option")).toHaveText([/^MLP/, /^Neural architecture search/, /^Gradient-boosted trees/, /^Linear and logistic models/, /^Random forests and extra trees/]);
    await page.getByTestId("family-select").selectOption("mlp");
    await expect(page.getByTestId("estimation-select")).toHaveValue("full");
    await page.getByTestId("start-run").click();
    await page.waitForURL(/\/runs\/[\w-]+$/);
    runId = page.url().split("/runs/")[1];
    await expect(page.getByTestId("run-scheduler")).toContainText("none");
    await expect(page.getByTestId("run-family")).toContainText("mlp");
    await expect(page.getByTestId("run-estimation")).toContainText("full");
    expect(runId).toBeTruthy();

    // a marker that a reload would wipe: the leaderboard must fill in place
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));

    const seen = { statuses: [] as string[], rowCountsWhileRunning: new Set<number>(), runningRow: false, rowsWhileRunning: false };
    const started = Date.now();
    await expect
      .poll(
        async () => {
          const status = ((await page.getByTestId("run-status").textContent()) ?? "").trim();
          const rows = await page.getByTestId("leaderboard-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
          if (seen.statuses.at(-1) !== status) seen.statuses.push(status);
          if (status === "running") {
            seen.rowCountsWhileRunning.add(rows.length);
            if (rows.length > 0) seen.rowsWhileRunning = true;
            if (rows.includes("running")) seen.runningRow = true;
          }
          return status;
        },
        { timeout: 240_000, intervals: [200], message: "the run completes" },
      )
      .toBe("completed");
    console.log(`run ${runId}: ${TRIALS} trials in ${((Date.now() - started) / 1000).toFixed(1)}s; statuses ${seen.statuses.join(" → ")}; row counts while running ${[...seen.rowCountsWhileRunning].join(",")}`);

    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    expect(seen.statuses).toContain("running");
    expect(seen.rowsWhileRunning, "leaderboard rows appear while the run is running").toBe(true);
    expect(seen.runningRow, "a row shows status running before completion").toBe(true);
    // the leaderboard grew in place: several different row counts were seen during the run
    expect([...seen.rowCountsWhileRunning].filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);

    // the search's candidates, then its two ensembles (greedy selection and stacking), each a row of its own
    const rows = page.getByTestId("leaderboard-row");
    await expect(rows).toHaveCount(TRIALS + 2);
    await expect(page.locator('[data-testid="leaderboard-row"][data-family="ensemble"]')).toHaveCount(2);
    await expect(page.getByTestId("run-trial-count")).toHaveText(String(TRIALS + 2));
    const statuses = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    expect(statuses.every((s) => s === "done" || s === "stopped")).toBe(true);
    await expect(page.getByTestId("run-backend")).not.toHaveText("not started yet");
    await expect(page.getByTestId("run-error")).toHaveCount(0);
    // credit-g has 800 rows besides the test split: below 5,000, so candidates are cross-validated, each keeping its
    // fold models as a bag (the form's default)
    await expect(page.getByTestId("run-validation")).toHaveText("5-fold cross-validation · bagged fold models");
    await expect(page.getByTestId("run-elapsed")).toHaveText(/^\d+s$|^\d+m \d{2}s$/);
    await expect(page.getByTestId("run-eta")).toHaveText("—");

    // the best row is the first (best validation score first), is marked, and its scores are the run's
    const best = page.locator('[data-testid="leaderboard-row"][data-best="true"]');
    await expect(best).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute("data-best", "true");
    const vals = (await rows.getByTestId("val-score").allTextContents()).map(Number);
    expect(vals.every(Number.isFinite)).toBe(true);
    expect(vals).toEqual([...vals].sort((a, b) => b - a));
    await expect(page.getByTestId("best-val-score")).toHaveText(await best.getByTestId("val-score").innerText());
    bestTestText = (await page.getByTestId("best-test-score").innerText()).trim();
    await expect(best.getByTestId("test-score")).toHaveText(bestTestText);
    const bestTest = Number(bestTestText);
    console.log(`best test AUC ${bestTestText} (validation ${await page.getByTestId("best-val-score").innerText()})`);
    expect(bestTest).toBeGreaterThanOrEqual(MIN_TEST_AUC);
    expect(bestTest).toBeLessThanOrEqual(1);

    // select another row: its learning curves (recharts svg with lines) appear
    const other = page.locator('[data-testid="leaderboard-row"][data-best="false"][data-family="mlp"]').first();
    const number = (await other.locator("td").first().innerText()).trim();
    await other.click();
    await expect(other).toHaveAttribute("aria-selected", "true");
    const curve = page.getByTestId("learning-curve");
    await expect(curve.locator("h2")).toContainText(`Candidate #${number}`);
    await expect(curve.locator("svg.recharts-surface").first()).toBeVisible();
    // train and validation loss, and train and validation AUC
    await expect.poll(() => curve.locator("path.recharts-line-curve").count()).toBeGreaterThanOrEqual(4);
    const d = await curve.locator("path.recharts-line-curve").first().getAttribute("d");
    expect(d?.length ?? 0).toBeGreaterThan(20);
    await expect(curve).toContainText("validation loss");
    // its explanation: permutation importance per CSV column, the confusion matrix, ROC and precision-recall curves
    await expect(curve.getByTestId("importance-row").first()).toBeVisible();
    await expect(curve.getByTestId("confusion-matrix")).toBeVisible();
    await expect(curve.getByTestId("roc-curve")).toBeVisible();
    await expect(curve.getByTestId("pr-curve")).toBeVisible();
    // an ensemble's row says what it combines
    await page.locator('[data-testid="leaderboard-row"][data-family="ensemble"]').first().click();
    await expect(curve.getByTestId("trial-reason")).toContainText(/greedy ensemble selection among the best \d+ candidates|stacking: a linear model/);
    await expect(curve.getByTestId("confusion-matrix")).toBeVisible();

    // the search insight: the history chart (best-so-far line), importance bars named after the hyperparameters,
    // and one parallel-coordinates line per trial
    const insight = page.getByTestId("run-insight");
    await expect(insight).toBeVisible();
    const history = insight.getByTestId("optimization-history");
    // the chart's own surface (the legend icons are small recharts surfaces too)
    await expect(history.getByRole("application")).toBeVisible();
    await expect(history.locator("path.recharts-line-curve")).toHaveCount(1);
    const bars = insight.getByTestId("importance-bar");
    await expect(bars.first()).toBeVisible();
    await expect(insight.locator('[data-testid="importance-bar"][data-param="learning_rate"]')).toContainText(/learning_rate\s*[\d.]+%/);
    await expect(insight.getByTestId("parallel-coordinates").locator("path")).toHaveCount(TRIALS);
    // score against cost: the Pareto front's table (the chart's text alternative) lists the top scorer, which is
    // always on the front (with a tie for the top score, the cheapest of the tied is)
    const pareto = insight.getByTestId("pareto-chart");
    await expect(pareto.locator('div[role="img"]')).toHaveAttribute("aria-label", /Pareto front/);
    await expect(pareto.getByTestId("pareto-table").getByTestId("pareto-row").first()).toBeVisible();
    // (the best row's number cell ends with a ★)
    const ranked = await rows.evaluateAll((els) => els.map((e) => ({ number: e.querySelector("td")?.textContent?.match(/\d+/)?.[0], val: e.querySelector('[data-testid="val-score"]')?.textContent?.trim() })));
    const topNumbers = ranked.filter((r) => r.val === ranked[0].val).map((r) => r.number);
    const frontNumbers = await pareto.getByTestId("pareto-row").evaluateAll((els) => els.map((e) => e.getAttribute("data-number")));
    expect(frontNumbers.some((n) => topNumbers.includes(n ?? "")), `a top scorer (#${topNumbers.join(", #")}) is on the front (#${frontNumbers.join(", #")})`).toBe(true);
  });

  test("3b. cancel a second run, then continue it with more trials", async () => {
    await page.goto(`/datasets/${datasetId}`);
    await page.getByTestId("label-select").selectOption("class");
    await page.getByTestId("budget-minutes").fill("10");
    await page.getByTestId("max-trials").fill("");
    await page.getByTestId("seed").fill("7");
    // a holdout split that keeps each loan purpose in one part
    await page.getByTestId("validation-select").selectOption("holdout");
    await page.getByTestId("group-column-select").selectOption("purpose");
    await page.getByTestId("start-run").click();
    await page.waitForURL(/\/runs\/[\w-]+$/);
    const secondId = page.url().split("/runs/")[1];
    expect(secondId).not.toBe(runId);
    await expect(page.getByTestId("run-validation")).toHaveText("holdout · groups: purpose", { timeout: 60_000 });
    await expect(page.getByTestId("run-strategy")).toHaveText("tpe");

    await expect(page.getByTestId("run-status")).toHaveText("running", { timeout: 60_000 });
    await expect.poll(() => page.locator('[data-testid="leaderboard-row"][data-status="running"]').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    await page.getByTestId("cancel-run").click();
    await expect(page.getByTestId("run-status")).toHaveText("cancelled", { timeout: 90_000 });
    await expect(page.getByTestId("cancel-run")).toHaveCount(0);
    const rows = page.getByTestId("leaderboard-row");
    const before = await rows.count();
    expect(before).toBeGreaterThan(0);
    const afterCancel = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    expect(afterCancel.filter((s) => s === "running" || s === "queued")).toEqual([]);

    // continue the finished (cancelled) run with 2 more trials
    await page.getByTestId("continue-trials").fill("2");
    await page.getByTestId("continue-minutes").fill("");
    await page.getByTestId("continue-run").click();
    await expect(page.getByTestId("run-status")).not.toHaveText("cancelled");
    await expect(page.getByTestId("run-status")).toHaveText("completed", { timeout: 180_000 });
    // 2 more candidates, and the ensembles of the continued search (a cancelled search builds none)
    await expect(rows).toHaveCount(before + 4);
    await expect(page.getByTestId("run-trial-count")).toHaveText(String(before + 4));
    const statuses = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
    expect(statuses.filter((s) => s === "done").length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === "running" || s === "queued")).toEqual([]);
  });

  test("4. download the leaderboard CSV and the best candidate's archive", async () => {
    await page.goto(`/runs/${runId}`);
    await expect(page.getByTestId("run-status")).toHaveText("completed");

    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-leaderboard").click()]);
    expect(csvDownload.suggestedFilename()).toBe(`leaderboard-${runId}.csv`);
    const { header, rows } = parseCsv((await readDownload(csvDownload)).toString("utf8"));
    expect(header.slice(0, 20)).toEqual([
      "rank",
      "candidate",
      "id",
      "family",
      "status",
      "reason",
      "validation_auc",
      "test_auc",
      "epochs",
      "best_epoch",
      "parameters",
      "archive_bytes",
      "train_seconds",
      "predict_ms_per_1k_rows",
      "validation_auc_std_error",
      "test_auc_std_error",
      "low_fidelity_auc",
      "parent_candidate",
      "feasible",
      "infeasible_reason",
    ]);
    expect(header.filter((h) => h.startsWith("hp_")).length).toBeGreaterThan(3);
    expect(rows).toHaveLength(TRIALS + 2);
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: TRIALS + 2 }, (_, i) => String(i + 1)));
    const bestRowId = await page.locator('[data-testid="leaderboard-row"][data-best="true"]').getAttribute("data-trial-id");
    expect(rows[0][2]).toBe(bestRowId);
    expect(formatScore(Number(rows[0][7]))).toBe(bestTestText);

    const [zipDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-best").click()]);
    expect(zipDownload.suggestedFilename()).toMatch(new RegExp(`^run-${runId}-candidate-\\d+\\.zip$`));
    archiveZip = await readDownload(zipDownload);
    const files = unzipSync(new Uint8Array(archiveZip));
    const manifest = JSON.parse(new TextDecoder().decode(files["manifest.json"]));
    // the best may be an ensemble: its archive holds each member's whole archive beside ensemble.json; credit-g is
    // cross-validated, so every candidate is a bag, one network per fold under folds/<n>/ (no model outside a bag)
    const weights = Object.keys(files).filter((f) => /(^|\/)model\/weights\.bin$/.test(f));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["manifest.json", "preprocessing.json", ...(manifest.family === "ensemble" ? ["ensemble.json"] : ["folds/1/model/model.json"])]));
    expect(weights.length).toBeGreaterThan(0);
    expect(weights.length % 5).toBe(0);
    expect(weights.every((w) => /^(members\/\d+\/)?folds\/[1-5]\/model\/weights\.bin$/.test(w))).toBe(true);
    for (const w of weights) expect(files[w].byteLength).toBeGreaterThan(0);
    // the exports: the reproducibility notebook, the studio's predictions it replays, a parameters file per model, predict.mjs
    expect(Object.keys(files)).toEqual(expect.arrayContaining(["notebook.ipynb", "studio-predictions.csv", "predict.mjs"]));
    for (const w of weights) expect(Object.keys(files)).toContain(w.replace("model/weights.bin", "portable.json"));
    expect(JSON.parse(new TextDecoder().decode(files["notebook.ipynb"])).nbformat).toBe(4);

    // the candidate panel downloads the selected (best) candidate's notebook on its own too
    const [notebookDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-candidate-notebook").click()]);
    expect(notebookDownload.suggestedFilename()).toMatch(new RegExp(`^run-${runId}-candidate-\\d+\\.ipynb$`));
    const notebook = JSON.parse((await readDownload(notebookDownload)).toString("utf8")) as { cells: { source: string[] }[] };
    expect(notebook.cells.map((c) => c.source.join("")).join("\n")).toContain("largest difference from the studio");
    expect(manifest.label).toBe("class");
    expect(manifest.metric).toBe("auc");
    expect(manifest.problemType).toBe("binary");
    expect(manifest.classes).toEqual(["bad", "good"]);
    expect(manifest.runId).toBe(runId);
    expect(manifest.candidateId).toBe(bestRowId);
    expect(manifest.seed).toBe(SEED);
    expect(manifest.dataset).toMatchObject({ name: "credit-g.csv", rows: 1000 });
    expect(formatScore(manifest.test.score)).toBe(bestTestText);
    expect(manifest.test.score).toBeGreaterThanOrEqual(MIN_TEST_AUC);
    expect(Number(rows[0][7])).toBe(manifest.test.score);
  });

  test("5. predictions in the studio equal the CLI's, byte for byte; a mismatched CSV is refused clearly", async () => {
    await page.goto(`/runs/${runId}`);
    const credit = Papa.parse<Record<string, string>>((await fs.readFile(CREDIT_G, "utf8")).trim(), { header: true, skipEmptyLines: true });
    const features = credit.meta.fields!.filter((f) => f !== "class");
    const sample = credit.data.slice(100, 137);
    const newCsv = await writeTemp(tmp, "new.csv", Papa.unparse({ fields: features, data: sample.map((r) => features.map((f) => r[f])) }, { newline: "\n" }) + "\n");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("predict-input").setInputFiles(newCsv)]);
    expect(download.suggestedFilename()).toBe("predictions.csv");
    const studioPreds = await readDownload(download);
    await expect(page.getByTestId("predict-download")).toBeVisible();
    const { header, rows } = parseCsv(studioPreds.toString("utf8"));
    expect(header).toEqual(["prediction", "proba_bad", "proba_good"]);
    expect(rows).toHaveLength(sample.length);
    for (const [label, pBad, pGood] of rows) {
      expect(["bad", "good"]).toContain(label);
      expect(Number(pBad) + Number(pGood)).toBeCloseTo(1, 5);
      expect(label).toBe(Number(pGood) > Number(pBad) ? "good" : "bad");
    }

    // the same archive, unzipped, through the CLI in a fresh process
    const modelDir = path.join(tmp, "model-archive");
    for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(archiveZip)))) {
      await fs.mkdir(path.dirname(path.join(modelDir, name)), { recursive: true });
      await fs.writeFile(path.join(modelDir, name), bytes);
    }
    const out = path.join(tmp, "preds.csv");
    const root = path.dirname(test.info().config.configFile!);
    await execFileAsync(process.execPath, ["--import", "tsx", "server/cli/main.ts", "predict", "--model", modelDir, "--csv", newCsv, "--out", out], {
      cwd: root,
      timeout: 120_000,
    });
    const cliPreds = await fs.readFile(out);
    expect(cliPreds.equals(studioPreds), "CLI predictions equal the studio's byte for byte").toBe(true);

    // wrong columns: `age` dropped, `shoe_size` added
    const wrongFeatures = [...features.filter((f) => f !== "age"), "shoe_size"];
    const wrongCsv = await writeTemp(
      tmp,
      "wrong.csv",
      [wrongFeatures.join(","), ...sample.slice(0, 5).map((r) => wrongFeatures.map((f) => (f === "shoe_size" ? "42" : r[f])).join(","))].join("\n") + "\n",
    );
    const predictBox = page.getByTestId("predict-box");
    await predictBox.getByTestId("predict-input").setInputFiles(wrongCsv);
    const error = predictBox.getByRole("alert");
    await expect(error).toBeVisible();
    await expect(error).toHaveAttribute("data-testid", "error");
    await expect(error).toContainText("Missing columns: age.");
    await expect(error).toContainText("Unexpected columns: shoe_size.");
    await expect(page.getByTestId("predict-download")).toHaveCount(0);
  });

  test("6. delete the run and the dataset", async ({ request }) => {
    await page.goto("/");
    const size = page.getByTestId("data-dir-size");
    const start = await listDatasets(request);
    await expect(size).toHaveText(`data directory: ${formatBytes(start.dataDirBytes)}`);

    await page.goto(`/runs/${runId}`);
    await page.getByTestId("delete-run").click();
    await page.getByTestId("confirm-delete").click();
    await page.waitForURL(`**/datasets/${datasetId}`);
    await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveCount(0);
    await expect(page.getByTestId("run-row")).toHaveCount(1); // the cancelled-then-continued run stays
    expect((await request.get(`/api/runs/${runId}`)).status()).toBe(404);
    const afterRun = await listDatasets(request);
    expect(afterRun.dataDirBytes).toBeLessThan(start.dataDirBytes);

    await page.goto("/");
    await expect(size).toHaveText(`data directory: ${formatBytes(afterRun.dataDirBytes)}`);
    const row = page.locator(`[data-testid="dataset-row"][data-dataset-id="${datasetId}"]`);
    await expect(row).toBeVisible();
    await row.getByTestId("delete-dataset").click();
    await row.getByTestId("confirm-delete").click();
    await expect(row).toHaveCount(0);

    const end = await listDatasets(request);
    expect(end.datasets.map((d) => d.id)).not.toContain(datasetId);
    expect(end.dataDirBytes).toBeLessThan(afterRun.dataDirBytes);
    await expect(size).toHaveText(`data directory: ${formatBytes(end.dataDirBytes)}`);
    expect(parseDisplayedBytes(await size.innerText())).toBeLessThan(parseDisplayedBytes(formatBytes(start.dataDirBytes)));
    expect((await request.get(`/api/datasets/${datasetId}`)).status()).toBe(404);
    console.log(`data directory: ${formatBytes(start.dataDirBytes)} → ${formatBytes(afterRun.dataDirBytes)} → ${formatBytes(end.dataDirBytes)}`);
  });
});
