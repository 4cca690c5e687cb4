import { code, markdown, type Cell } from "./ipynb";
import type { CandidateNotebookInput, NotebookFit, NotebookModel } from "./notebook-input";
import { fitPlanName, fitRows } from "./data-cells";
import { pyLiteral, pyStr } from "./py-literal";
import { modelsOf } from "./replay-cells";
import { categoricalColumns } from "../../data/categorical-columns";

/** the retrain function of each portable kind (python/<kind>.py) */
const retrainFunction = (kind: NotebookModel["portableKind"]) => `retrain_${kind}`;

/**
 * The retrain: the same model built from scratch in Python (scikit-learn, PyTorch) with the candidate's settings, on
 * the rows the studio fitted it on, scored on the held-out rows and asserted within the issue's tolerance of the
 * studio's metric. A bag retrains the model of every fold and averages them; an ensemble retrains every member and
 * combines them with the studio's weights (or stacker).
 */
export function retrainCells(input: CandidateNotebookInput): Cell[] {
  const hasTest = input.replayRows === "test";
  // a model that started from another candidate's trained weights cannot be rebuilt from scratch
  const inherited = modelsOf(input).filter((m) => input.inheritedFrom[m.manifest.trialNumber] !== undefined);
  const intro = markdown(
    [
      "## 4. Retrain from scratch",
      "The same model, built again from scratch with its settings (architecture, initialisation, optimiser, schedule, number of epochs or rounds) on the rows the studio fitted it on, in the same order, drawing the same random numbers as the studio (the modules above port its generators to NumPy), so it lands on the studio's model up to floating-point rounding. The test metric must land within 0.02 (AUC, log loss, accuracy) or 2% (RMSE, MAE) of the studio's.",
      modelsOf(input).some((m) => m.fits.length > 1) ? "A bag retrains the model of each cross-validation fold on that fold's training rows and averages them." : "",
      input.model.kind === "ensemble" ? "An ensemble retrains each member, then combines them as the studio did (its weights, or its stacker)." : "",
      hasTest ? "" : "\nThis run held out no test split, so the retrained model is scored on rows it was trained on and the comparison is printed, not asserted.",
      inherited.length === 0
        ? ""
        : `\n${inherited.map((m) => `Candidate #${m.manifest.trialNumber} started from candidate #${input.inheritedFrom[m.manifest.trialNumber]}'s trained weights (weight inheritance)`).join("; ")}: a retrain from scratch starts elsewhere, so the comparison is printed, not asserted.`,
    ].join("\n"),
  );
  const assertIt = hasTest && inherited.length === 0;
  const single = input.model.kind === "single" && input.model.single.fits.length === 1;
  const perModel = modelsOf(input).flatMap((m) => [...m.fits.map((fit, i) => code(retrainFit(m, fit, i, single))), code(retrainedCandidate(m))]);
  return [intro, code(commonRetrainCode()), ...perModel, code(compareRetrain(input, assertIt))];
}

function commonRetrainCode(): string {
  return [
    "def balanced_weights(y_fit, task):",
    '    """scikit-learn\'s class_weight="balanced" per row, as the studio\'s class weights: n / (classes present * rows of the class)"""',
    "    counts = np.bincount(y_fit.astype(int), minlength=len(task[\"classes\"]))",
    "    present = int(np.sum(counts > 0))",
    "    per_class = np.where(counts > 0, len(y_fit) / (present * np.maximum(counts, 1)), 0.0)",
    "    return per_class[y_fit.astype(int)].astype(np.float32)",
    "",
    "fit_preds = {}  # each retrained model's predictions of EVAL_ROWS, by name",
    "retrained = {}  # each candidate's, averaged over its models (a bag) and calibrated, by number",
  ].join("\n");
}

function retrainFit(m: NotebookModel, fit: NotebookFit, index: number, single: boolean): string {
  const x = single ? "X" : "X_fit";
  const rows = fit.refit ? "refit on every non-test row" : m.fits.length > 1 ? `the model of fold ${index + 1} of ${m.fits.length}, fitted on its training rows` : "fitted on its first fold's training rows";
  return [
    `# candidate #${m.manifest.trialNumber} (${m.manifest.family}): ${rows}`,
    single ? "" : `${x} = ${fitPlanName(fit)}.select_features(${fitPlanName(fit)}.preprocess(frame))`,
    `rows = ${fitRows(fit)}`,
    "y_fit = y[rows]",
    `spec = {"family": ${pyStr(m.manifest.family)}, "hyperparameters": ${pyLiteral(m.hyperparameters)}, "epochs": ${fit.epochs}, "model": read_json(${pyStr(fit.folder)}, "portable.json")}`,
    categoricalSpec(fit),
    `weights = balanced_weights(y_fit, TASK) if ${pyLiteral(m.classWeight === "balanced")} and TASK["type"] != "regression" else None`,
    `model = ${retrainFunction(m.portableKind)}(spec, ${x}[rows], y_fit, TASK, ${fit.seed}, weights)  # the seed the studio fitted this model with`,
    `fit_preds[${pyStr(fit.key)}] = model.predict(${x}[EVAL_ROWS])`,
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** a candidate's retrained predictions: its models' averaged (a bag), then calibrated as the studio's */
function retrainedCandidate(m: NotebookModel): string {
  const keys = m.fits.map((f) => `fit_preds[${pyStr(f.key)}]`);
  return [
    `preds = ${keys.length === 1 ? keys[0] : `weighted_average([${keys.join(", ")}], [1 / ${keys.length}] * ${keys.length})`}`,
    'if TASK["type"] != "regression":',
    `    preds = apply_calibration(read_json(${pyStr(m.folder)}, "calibration.json"), preds, TASK)`,
    `retrained[${m.manifest.trialNumber}] = preds`,
  ].join("\n");
}

/** the columns that hold category codes, which the boosted trees split on natively (FitInput.categorical); none: "" */
function categoricalSpec(fit: NotebookFit): string {
  const columns = fit.selection ? categoricalColumns(fit.preprocessing, fit.selection) : [];
  return columns.some((c) => c !== null) ? `spec["categorical"] = ${pyLiteral(columns)}` : "";
}

function compareRetrain(input: CandidateNotebookInput, assertIt: boolean): string {
  const combined =
    input.model.kind === "single"
      ? `retrained_preds = retrained[${input.model.single.manifest.trialNumber}]`
      : "retrained_preds = combine([retrained[m.number] for m in MEMBERS])";
  return [
    combined,
    "threshold = (CALIBRATION or {}).get(\"threshold\")",
    "studio_score = score(METRIC, y[EVAL_ROWS], replayed, TASK, threshold)",
    "retrained_score = score(METRIC, y[EVAL_ROWS], retrained_preds, TASK, threshold)",
    'print(f"{METRIC}: studio {studio_score:.4f}, retrained here {retrained_score:.4f}")',
    assertIt
      ? 'assert within_tolerance(METRIC, studio_score, retrained_score), f"the retrained model\'s {METRIC} ({retrained_score:.4f}) is not within tolerance of the studio\'s ({studio_score:.4f})"'
      : "",
  ]
    .filter((line) => line !== "")
    .join("\n");
}
