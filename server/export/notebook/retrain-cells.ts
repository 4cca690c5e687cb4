import { code, markdown, type Cell } from "./ipynb";
import type { CandidateNotebookInput, NotebookModel } from "./notebook-input";
import { pyLiteral, pyStr } from "./py-literal";
import { modelsOf } from "./replay-cells";
import { keptModelSeed } from "../manifest";
import { categoricalColumns } from "../../data/categorical-columns";

/** the retrain function of each portable kind (python/<kind>.py) */
const retrainFunction = (kind: NotebookModel["portableKind"]) => `retrain_${kind}`;

/**
 * The retrain: the same model built from scratch in Python (scikit-learn, PyTorch) with the candidate's settings, on
 * the rows the studio fitted it on, scored on the held-out rows and asserted within the issue's tolerance of the
 * studio's metric. An ensemble retrains every member and combines them with the studio's weights (or stacker).
 */
export function retrainCells(input: CandidateNotebookInput): Cell[] {
  const hasTest = input.replayRows === "test";
  // a model that started from another candidate's trained weights cannot be rebuilt from scratch
  const inherited = modelsOf(input).filter((m) => input.inheritedFrom[m.manifest.trialNumber] !== undefined);
  const intro = markdown(
    [
      "## 4. Retrain from scratch",
      "The same model, built again from scratch with its settings (architecture, initialisation, optimiser, schedule, number of epochs or rounds) on the rows the studio fitted it on, in the same order, drawing the same random numbers as the studio (the modules above port its generators to NumPy), so it lands on the studio's model up to floating-point rounding. The test metric must land within 0.02 (AUC, log loss, accuracy) or 2% (RMSE, MAE) of the studio's.",
      input.model.kind === "ensemble" ? "An ensemble retrains each member, then combines them as the studio did (its weights, or its stacker)." : "",
      hasTest ? "" : "\nThis run held out no test split, so the retrained model is scored on rows it was trained on and the comparison is printed, not asserted.",
      inherited.length === 0
        ? ""
        : `\n${inherited.map((m) => `Candidate #${m.manifest.trialNumber} started from candidate #${input.inheritedFrom[m.manifest.trialNumber]}'s trained weights (weight inheritance)`).join("; ")}: a retrain from scratch starts elsewhere, so the comparison is printed, not asserted.`,
    ].join("\n"),
  );
  const assertIt = hasTest && inherited.length === 0;
  return [intro, code(commonRetrainCode()), ...modelsOf(input).map((m) => code(retrainModel(input, m))), code(compareRetrain(input, assertIt))];
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
    "retrained = {}",
  ].join("\n");
}

function retrainModel(input: CandidateNotebookInput, m: NotebookModel): string {
  const single = input.model.kind === "single";
  const stages = single ? "" : `plan_${m.manifest.trialNumber}.`;
  const x = single ? "X" : `X_${m.manifest.trialNumber}`;
  const epochs = m.manifest.refit?.epochs ?? m.manifest.bestEpoch;
  return [
    `# candidate #${m.manifest.trialNumber} (${m.manifest.family}): ${m.manifest.refit ? "refit on every non-test row" : "fitted on its first fold's training rows"}`,
    single ? "" : `${x} = ${stages}select_features(${stages}preprocess(frame))`,
    `rows = fit_rows(${pyLiteral(m.manifest.refit != null)})`,
    "y_fit = y[rows]",
    `spec = {"family": ${pyStr(m.manifest.family)}, "hyperparameters": ${pyLiteral(m.hyperparameters)}, "epochs": ${epochs}, "model": read_json(${pyStr(m.folder)}, "portable.json")}`,
    categoricalSpec(m),
    `weights = balanced_weights(y_fit, TASK) if ${pyLiteral(m.classWeight === "balanced")} and TASK["type"] != "regression" else None`,
    `model = ${retrainFunction(m.portableKind)}(spec, ${x}[rows], y_fit, TASK, ${keptModelSeed(m.manifest)}, weights)  # the seed the studio fitted this model with`,
    `preds = model.predict(${x}[EVAL_ROWS])`,
    'if TASK["type"] != "regression":',
    `    preds = apply_calibration(read_json(${pyStr(m.folder)}, "calibration.json"), preds, TASK)`,
    `retrained[${m.manifest.trialNumber}] = preds`,
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** the columns that hold category codes, which the boosted trees split on natively (FitInput.categorical); none: "" */
function categoricalSpec(m: NotebookModel): string {
  const columns = m.selection ? categoricalColumns(m.preprocessing, m.selection) : [];
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
