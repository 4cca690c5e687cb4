import { code, markdown, type Cell } from "./ipynb";
import type { CandidateNotebookInput, NotebookModel } from "./notebook-input";
import { pyLiteral, pyStr } from "./py-literal";
import { pythonSource } from "./python-source";
import { memberPlanName } from "./data-cells";

/** the largest difference from the studio's predictions the replay accepts (relative for regression values beyond 1) */
export const REPLAY_TOLERANCE = 1e-4;

/** the models of a candidate: itself, or its ensemble's members */
export function modelsOf(input: CandidateNotebookInput): NotebookModel[] {
  return input.model.kind === "single" ? [input.model.single] : input.model.members;
}

/** the NumPy function that evaluates a portable model of each kind */
export const predictFunction = (kind: NotebookModel["portableKind"]) => `predict_${kind}`;

/**
 * The replay: the exported parameters (portable.json) evaluated in NumPy on the preprocessed rows — never the stored
 * predictions — then calibrated and, for an ensemble, combined; the result is compared with the studio's own
 * predictions of the same rows (studio-predictions.csv, written when the archive was exported).
 */
export function replayCells(input: CandidateNotebookInput): Cell[] {
  const kinds = [...new Set([...modelsOf(input).map((m) => m.portableKind), ...(input.model.kind === "ensemble" && input.model.method === "stacking" ? ["linear" as const] : [])])];
  const cells: Cell[] = [
    markdown(
      "## 3. Replay: the exported model, evaluated from its parameters\n`portable.json` holds the trained parameters (weights, trees, coefficients). The functions below evaluate them with NumPy; the calibration (if any) maps the probabilities as the studio does. The result must match the studio's predictions of the same rows.",
    ),
    // the studio's random generator, which the trees' and networks' retrains draw from
    ...(kinds.some((kind) => kind !== "linear") ? [code(pythonSource("rng"))] : []),
    ...kinds.map((kind) => code(pythonSource(kind))),
    code(pythonSource("calibration")),
  ];
  if (input.model.kind === "ensemble") cells.push(code(pythonSource("ensemble")));
  cells.push(code(input.model.kind === "single" ? singleReplay(input.model.single) : ensembleReplay(input)));
  cells.push(code(compareWithStudio()));
  return cells;
}

function singleReplay(model: NotebookModel): string {
  return [
    'MODEL = read_json("portable.json")',
    'CALIBRATION = read_json("calibration.json")',
    `replayed = ${predictFunction(model.portableKind)}(MODEL, X[EVAL_ROWS], TASK)`,
    'if TASK["type"] != "regression":',
    "    replayed = apply_calibration(CALIBRATION, replayed, TASK)",
  ].join("\n");
}

function ensembleReplay(input: CandidateNotebookInput): string {
  if (input.model.kind !== "ensemble") throw new Error("not an ensemble");
  const members = input.model.members;
  return [
    "# each member: its own preprocessing, its model, its calibration",
    "MEMBERS = [",
    ...members.map(
      (m) => `    types.SimpleNamespace(number=${m.manifest.trialNumber}, folder=${pyStr(m.folder)}, stages=${memberPlanName(m)}, predict=${predictFunction(m.portableKind)}),`,
    ),
    "]",
    "",
    "def member_predictions(member, rows):",
    '    """a member\'s calibrated predictions of `rows`, from its exported parameters"""',
    "    X_member = member.stages.select_features(member.stages.preprocess(frame))",
    '    preds = member.predict(read_json(member.folder, "portable.json"), X_member[rows], TASK)',
    '    if TASK["type"] != "regression":',
    '        preds = apply_calibration(read_json(member.folder, "calibration.json"), preds, TASK)',
    "    return preds",
    "",
    `WEIGHTS = ${pyLiteral(input.model.weights)}`,
    'CALIBRATION = read_json("calibration.json")',
    "",
    "def combine(member_preds):",
    `    """the ensemble's ${input.model.method === "greedy" ? "weighted average of its members" : "stacker (a linear model over its members' log-odds) applied to its members"}, calibrated"""`,
    input.model.method === "greedy"
      ? "    combined = weighted_average(member_preds, WEIGHTS)"
      : '    combined = predict_linear(read_json("stacker", "portable.json"), stacking_features(member_preds, TASK), TASK)',
    '    if TASK["type"] != "regression":',
    "        combined = apply_calibration(CALIBRATION, combined, TASK)",
    "    return combined",
    "",
    "replayed = combine([member_predictions(m, EVAL_ROWS) for m in MEMBERS])",
  ].join("\n");
}

function compareWithStudio(): string {
  return [
    "# the studio's predictions of the same rows: row, then the values (regression) or class code, label and probabilities",
    'studio = pd.read_csv(os.path.join(ARCHIVE_DIR, "studio-predictions.csv"), dtype=str, keep_default_na=False)',
    'assert studio.iloc[:, 0].astype(int).tolist() == EVAL_ROWS, "studio-predictions.csv covers other rows"',
    'if TASK["type"] == "regression":',
    "    studio_preds = studio.iloc[:, 1].astype(float).to_numpy()",
    "    # float32 carries about 7 significant digits: values beyond 1 are compared relative to their size",
    "    difference = np.abs(replayed - studio_preds) / np.maximum(1.0, np.abs(studio_preds))",
    "else:",
    "    studio_preds = studio.iloc[:, 3:].astype(float).to_numpy()",
    "    difference = np.abs(replayed - studio_preds)",
    "    decided = decide(CALIBRATION, replayed, TASK)",
    "    disagree = int(np.sum(decided != studio.iloc[:, 1].astype(int).to_numpy()))",
    '    assert disagree == 0, f"the replay decides {disagree} rows differently from the studio"',
    "largest = float(difference.max()) if len(difference) else 0.0",
    'print(f"replayed {len(EVAL_ROWS)} rows; largest difference from the studio: {largest:.2e}")',
    `assert largest < ${REPLAY_TOLERANCE}, f"the replay differs from the studio by {largest}"`,
  ].join("\n");
}
