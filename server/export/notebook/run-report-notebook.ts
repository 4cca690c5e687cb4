import { hasScore, isFeasible, type RunDto, type TrialDto } from "../../contracts/run";
import { code, markdown, mdTable, mdText, notebookJson, type Cell } from "./ipynb";
import { pyLiteral, type PyValue } from "./py-literal";
import { PLOT_HELPERS } from "./report-python";

/**
 * The run report notebook: the run's settings and leaderboard as markdown, then every candidate embedded as data and
 * code that lists the leaderboard and plots the search history (best score so far by trial and by time), the scores of
 * each family, validation against test, and a simple view of which hyperparameters went with better scores.
 * It needs nothing but pandas (and matplotlib for charts, text otherwise): no studio, no CSV.
 * Data (names, labels, hyperparameter values, reasons) enters code only through pyLiteral and markdown through mdText.
 */

export interface RunReportInput {
  run: RunDto;
  /** every candidate, in leaderboard order (best first) */
  trials: TrialDto[];
  /** the dataset the run trained on; null when it was deleted */
  dataset: { name: string; sha256: string; rowCount: number; columnCount: number } | null;
}

/** the .ipynb text */
export function runReportNotebook(input: RunReportInput): string {
  return notebookJson(runReportCells(input));
}

export function runReportCells(input: RunReportInput): Cell[] {
  return [
    markdown(introMarkdown(input)),
    markdown(settingsMarkdown(input)),
    markdown(leaderboardMarkdown(input)),
    markdown("## The search, recomputed from the candidates\n\nEvery candidate is embedded below as data; the cells that follow need only pandas (matplotlib draws the charts when it is installed, otherwise they print as text)."),
    code(PLOT_HELPERS),
    code(dataCode(input)),
    code(LEADERBOARD_CODE),
    markdown("### Search history: the best validation score so far\n\nBy trial number (the order the strategy proposed them) and by the time each candidate finished."),
    code(HISTORY_CODE),
    markdown("### Scores per model family"),
    code(FAMILY_CODE),
    markdown("### Validation against test\n\nThe search picks on validation scores; a test score well below them says the pick rewarded luck on the validation rows."),
    code(VALIDATION_TEST_CODE),
    markdown(
      "### Which hyperparameters went with better scores\n\n" +
        "For each hyperparameter, over the candidates that have it: the absolute Spearman rank correlation with the validation score " +
        "(numbers) or the correlation ratio (choices). A quick, marginal view — with few candidates it is noisy, and it shows association, not cause.",
    ),
    code(IMPORTANCE_CODE),
  ];
}

const score = (v: number | null, se?: number | null) => (v === null ? "—" : se != null ? `${v.toFixed(4)} ± ${se.toFixed(4)}` : v.toFixed(4));
const num = (v: number) => String(Number(v.toPrecision(4)));
const paramText = (v: string | number | boolean) => (typeof v === "number" ? num(v) : typeof v === "boolean" ? String(v) : mdText(v));
const paramsMarkdown = (params: TrialDto["params"]) =>
  Object.keys(params)
    .sort()
    .map((k) => `${mdText(k)}=${paramText(params[k])}`)
    .join(", ");

function introMarkdown({ run, trials, dataset }: RunReportInput): string {
  const scored = trials.filter(hasScore);
  // the best model is the best one within the run's serving constraints
  const best = scored.find(isFeasible);
  const lines = [
    `# Run report: ${mdText(run.id)}`,
    "",
    `**${mdText(dataset?.name ?? run.datasetName ?? "(deleted dataset)")}** → predict **${mdText(run.label)}** (${run.problemType}), ` +
      `scored by ${run.metric} (${run.direction === "max" ? "higher" : "lower"} is better). Status: ${run.status}; ${trials.length} candidates, ${scored.length} with a validation score.`,
  ];
  if (best) {
    lines.push(
      "",
      `Best: candidate ${best.number} (${mdText(best.family)}), validation ${run.metric} ${score(best.valScore, best.valScoreSe)}, test ${score(best.testScore, best.testScoreSe)}.`,
    );
  }
  if (run.error) lines.push("", `Error: ${mdText(run.error)}`);
  if (run.overfitWarning) lines.push("", `**Warning:** ${mdText(run.overfitWarning)}`);
  if (run.fidelityCheck?.warning) lines.push("", `**Warning:** ${mdText(run.fidelityCheck.warning)}`);
  return lines.join("\n");
}

function budgetText(run: RunDto): string {
  const parts = [run.maxTrials !== null ? `${run.maxTrials} trials` : null, run.budgetSeconds !== null ? `${num(run.budgetSeconds / 60)} minutes` : null].filter(Boolean);
  return parts.length === 2 ? `${parts.join(" or ")}, whichever comes first` : (parts[0] ?? "—");
}

function settingsMarkdown({ run, dataset }: RunReportInput): string {
  const plan = run.validationPlan;
  const rows: [string, string][] = [
    ["dataset", dataset ? `${mdText(dataset.name)} (${dataset.rowCount} rows × ${dataset.columnCount} columns, SHA-256 \`${dataset.sha256}\`)` : "deleted"],
    ["label", mdText(run.label)],
    ["problem type", run.problemType],
    ["metric", `${run.metric} (${run.direction === "max" ? "higher" : "lower"} is better)`],
    ["strategy (what to try)", mdText(run.strategy)],
    ["scheduler (how much each trial trains)", mdText(run.scheduler)],
    ["families", run.families.map(mdText).join(", ")],
    ["estimation", mdText(run.estimation)],
    ["validation", `${run.validation}${plan ? `: ${plan.kind}${plan.folds ? ` with ${plan.folds} folds` : ""} — ${mdText(plan.reason)}` : ""}`],
    ["final model", run.finalModel === "bag" ? "cross-validated candidates: the bag of their fold models, averaged; holdout ones refit" : "refit on all non-test rows"],
    ["test split", run.testFraction > 0 ? `${num(run.testFraction * 100)}% of the labelled rows, never seen by the search` : "none held out"],
    ["group column", run.groupColumn === null ? "—" : mdText(run.groupColumn)],
    ["time column", run.timeColumn === null ? "—" : mdText(run.timeColumn)],
    ["column types changed", run.columnTypes ? Object.entries(run.columnTypes).map(([c, t]) => `${mdText(c)} → ${t}`).join(", ") : "none"],
    ["budget", budgetText(run)],
    ["seed", String(run.seed)],
    ["backend", run.backend === null ? "—" : mdText(run.backend)],
    ["created", run.createdAt],
    ["started", run.startedAt ?? "—"],
    ["finished", run.finishedAt ?? "—"],
    ["time searching", `${num(run.elapsedSeconds)} s`],
  ];
  return ["## Settings", "", mdTable(["setting", "value"], rows)].join("\n");
}

const LISTED = 50;

function leaderboardMarkdown({ run, trials }: RunReportInput): string {
  const rows = trials.slice(0, LISTED).map((t, i) => [
    String(i + 1),
    String(t.number),
    mdText(t.family),
    // a finished candidate's reason describes how it trained (long); other statuses' reasons say why they stopped
    t.status + (t.reason && t.status !== "done" ? ` (${mdText(t.reason)})` : ""),
    score(t.valScore, t.valScoreSe),
    score(t.testScore, t.testScoreSe),
    t.durationSeconds === null ? "—" : num(t.durationSeconds),
    paramsMarkdown(t.params),
  ]);
  const lines = [
    "## Leaderboard",
    "",
    `Best validation score first (${run.metric} ± bootstrap standard error); pruned candidates after the fully trained ones, their scores from fewer epochs.`,
    "",
    mdTable(["rank", "candidate", "family", "status", `validation ${run.metric}`, `test ${run.metric}`, "seconds", "hyperparameters"], rows),
  ];
  if (trials.length > LISTED) lines.push("", `… and ${trials.length - LISTED} more candidates: all of them are in the data below.`);
  return lines.join("\n");
}

/** seconds from `origin` to `iso`, to the millisecond */
const secondsFrom = (origin: number, iso: string | null) => (iso === null ? null : Math.round(Date.parse(iso) - origin) / 1000);

function dataCode({ run, trials, dataset }: RunReportInput): string {
  const origin = Date.parse(run.startedAt ?? run.createdAt);
  const settings: Record<string, PyValue> = {
    id: run.id,
    dataset: dataset?.name ?? run.datasetName,
    dataset_sha256: dataset?.sha256 ?? null,
    label: run.label,
    problem_type: run.problemType,
    metric: run.metric,
    direction: run.direction,
    strategy: run.strategy,
    scheduler: run.scheduler,
    families: run.families,
    estimation: run.estimation,
    validation: run.validation,
    final_model: run.finalModel,
    validation_plan: run.validationPlan && { kind: run.validationPlan.kind, folds: run.validationPlan.folds ?? null, reason: run.validationPlan.reason },
    test_fraction: run.testFraction,
    seed: run.seed,
    max_trials: run.maxTrials,
    budget_seconds: run.budgetSeconds,
    status: run.status,
    started_at: run.startedAt,
    finished_at: run.finishedAt,
    elapsed_seconds: run.elapsedSeconds,
  };
  const rows = trials.map((t, i) => ({
    rank: i + 1,
    number: t.number,
    id: t.id,
    family: t.family,
    status: t.status,
    reason: t.reason,
    val: t.valScore,
    val_se: t.valScoreSe,
    test: t.testScore,
    test_se: t.testScoreSe,
    seconds: t.durationSeconds,
    started_s: secondsFrom(origin, t.startedAt),
    finished_s: secondsFrom(origin, t.finishedAt),
    epochs: t.epochs,
    parameters: t.paramCount,
    bracket: t.bracket,
    rung: t.rung,
    low_fidelity: t.lowFidelityScore,
    parent: t.parentNumber,
    params: t.params,
  }));
  return [
    "# The run's settings and every candidate (leaderboard order), as the studio recorded them.",
    "# started_s / finished_s: seconds since the run started; val / test: the metric on the validation and test splits.",
    `RUN = ${pyLiteral(settings)}`,
    "",
    `TRIALS = [\n${rows.map((r) => `    ${pyLiteral(r)},`).join("\n")}\n]`,
  ].join("\n");
}

const LEADERBOARD_CODE = String.raw`METRIC = RUN["metric"]
LOWER_IS_BETTER = RUN["direction"] == "min"
COLUMNS = ["rank", "number", "id", "family", "status", "reason", "val", "val_se", "test", "test_se", "seconds", "started_s", "finished_s", "epochs", "parameters", "bracket", "rung", "low_fidelity", "parent"]

leaderboard = pd.DataFrame([{k: t[k] for k in COLUMNS} for t in TRIALS], columns=COLUMNS)
for column in ("val", "val_se", "test", "test_se", "seconds", "started_s", "finished_s"):
    leaderboard[column] = pd.to_numeric(leaderboard[column], errors="coerce")
# one column per hyperparameter (NaN where a candidate's family does not have it)
hyperparameters = pd.DataFrame([t["params"] for t in TRIALS], index=leaderboard.index)
scored = leaderboard[leaderboard["status"].isin(["done", "stopped"]) & leaderboard["val"].notna()]

print(f"{len(leaderboard)} candidates, {len(scored)} with a validation score ({METRIC}, {'lower' if LOWER_IS_BETTER else 'higher'} is better)")
shown = leaderboard[["rank", "number", "family", "status", "val", "val_se", "test", "test_se", "seconds"]].copy()
shown["family"] = shown["family"].map(short)
print(shown.to_string(index=False))
if not scored.empty:
    best = scored.sort_values("val", ascending=LOWER_IS_BETTER, kind="stable").iloc[0]
    print()
    print(f"best: candidate {best['number']} ({short(best['family'])}), validation {METRIC} {best['val']:.4f}, test {METRIC} {best['test']:.4f}")
    for name, value in sorted(TRIALS[int(best["rank"]) - 1]["params"].items()):
        print(f"  {short(name)} = {short(value)}")`;

const HISTORY_CODE = String.raw`def best_so_far(frame, order):
    """the candidates with a score in the given order, with the best validation score up to each"""
    frame = frame.dropna(subset=[order]).sort_values(order, kind="stable")
    running = (np.minimum if LOWER_IS_BETTER else np.maximum).accumulate(frame["val"].to_numpy())
    return frame.assign(best_so_far=running)


by_number = best_so_far(scored, "number")
by_time = best_so_far(scored, "finished_s")
if by_number.empty:
    print("No candidate has a validation score yet.")
else:
    improved = by_number[by_number["val"] == by_number["best_so_far"]].drop_duplicates("best_so_far")
    print("Each time the best validation score improved (by trial number):")
    print(improved[["number", "family", "val", "finished_s"]].assign(family=improved["family"].map(short)).to_string(index=False))
    print(f"\nbest after {len(by_number)} scored candidates: {by_number['best_so_far'].iloc[-1]:.4f}")
    if not by_time.empty:
        print(f"reached {by_time['best_so_far'].iloc[-1]:.4f} after {by_time['finished_s'][by_time['val'] == by_time['best_so_far'].iloc[-1]].min():.1f} s of the run")
    if HAVE_PLOTS:
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
        for ax, frame, x, xlabel in ((axes[0], by_number, "number", "trial number"), (axes[1], by_time, "finished_s", "seconds since the run started")):
            ax.scatter(frame[x], frame["val"], s=14, alpha=0.5, label="candidate")
            ax.step(frame[x], frame["best_so_far"], where="post", color="C3", label="best so far")
            ax.set_xlabel(xlabel)
            ax.set_ylabel(f"validation {METRIC}")
            ax.legend(loc="best")
        fig.tight_layout()
        plt.show()`;

const FAMILY_CODE = String.raw`if not leaderboard.empty:
    counts = leaderboard.groupby(["family", "status"]).size().unstack(fill_value=0)
    counts.index = [short(name) for name in counts.index]
    print("Candidates per family and status:")
    print(counts.to_string())
if not scored.empty:
    best_of = (lambda s: s.min()) if LOWER_IS_BETTER else (lambda s: s.max())
    families = scored.groupby("family").agg(candidates=("val", "size"), best=("val", best_of), median=("val", "median"), mean_seconds=("seconds", "mean"))
    families = families.sort_values("best", ascending=LOWER_IS_BETTER)
    print()
    print(f"Validation {METRIC} per family (best first):")
    print(families.set_axis([short(name) for name in families.index]).to_string())
    if HAVE_PLOTS:
        names = list(families.index)
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(names) + 1.5))
        for i, name in enumerate(names):
            values = scored.loc[scored["family"] == name, "val"]
            ax.scatter(values, [i] * len(values), s=16, alpha=0.6)
        ax.set_yticks(range(len(names)))
        ax.set_yticklabels([plot_label(name) for name in names])
        ax.invert_yaxis()
        ax.set_xlabel(f"validation {METRIC}")
        fig.tight_layout()
        plt.show()
    else:
        text_bars(f"best validation {METRIC} per family", list(families.index), list(families["best"]))`;

const VALIDATION_TEST_CODE = String.raw`both = scored.dropna(subset=["test"])
if both.empty:
    print("No candidate has a test score (the run held out no test split, or none finished).")
else:
    gap = (both["val"] - both["test"]) * (-1 if LOWER_IS_BETTER else 1)
    print(f"{len(both)} candidates with both scores; validation beats test by {gap.mean():.4f} on average (largest {gap.max():.4f})")
    if len(both) > 2 and both["val"].nunique() > 1 and both["test"].nunique() > 1:
        print(f"rank correlation of validation and test scores: {np.corrcoef(both['val'].rank(), both['test'].rank())[0, 1]:.3f}")
    if HAVE_PLOTS:
        fig, ax = plt.subplots(figsize=(4.5, 4.5))
        ax.scatter(both["val"], both["test"], s=14)
        low, high = min(both["val"].min(), both["test"].min()), max(both["val"].max(), both["test"].max())
        ax.plot([low, high], [low, high], color="grey", linewidth=1)
        ax.set_xlabel(f"validation {METRIC}")
        ax.set_ylabel(f"test {METRIC}")
        fig.tight_layout()
        plt.show()`;

const IMPORTANCE_CODE = String.raw`def association_with_score(values, scores):
    """|Spearman| for numbers, the correlation ratio for choices; None when there is too little to say"""
    keep = values.notna()
    values, scores = values[keep], scores[keep]
    if len(values) < 3 or values.astype(str).nunique() < 2 or scores.nunique() < 2:
        return None
    numeric = pd.to_numeric(values, errors="coerce")
    if numeric.notna().all() and not values.map(lambda v: isinstance(v, (bool, np.bool_))).any():
        return "rank correlation", abs(float(np.corrcoef(numeric.rank(), scores.rank())[0, 1]))
    groups = scores.groupby(values.astype(str))
    between = float((groups.size() * (groups.mean() - scores.mean()) ** 2).sum())
    total = float(((scores - scores.mean()) ** 2).sum())
    return "correlation ratio", math.sqrt(between / total) if total > 0 else 0.0


rows = []
if not scored.empty:
    scores = scored["val"].astype(float)
    # the family is a hyperparameter of a search over several; ensembles have none, so count them as a family here
    candidates = {} if "family" in hyperparameters.columns else {"family": scored["family"]}
    candidates.update({name: hyperparameters.loc[scored.index, name] for name in hyperparameters.columns})
    for name, values in candidates.items():
        found = association_with_score(values, scores)
        if found is not None:
            rows.append({"hyperparameter": name, "measure": found[0], "association": round(found[1], 3), "candidates": int(values.notna().sum())})
if not rows:
    print("Too few scored candidates to relate hyperparameters to scores.")
else:
    importance = pd.DataFrame(rows).sort_values("association", ascending=False, kind="stable")
    print(importance.assign(hyperparameter=importance["hyperparameter"].map(short)).to_string(index=False))
    bar_chart(f"association with the validation {METRIC}", list(importance["hyperparameter"]), list(importance["association"]), xlabel="association (0 to 1)")`;
