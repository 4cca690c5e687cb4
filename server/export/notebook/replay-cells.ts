import { code, markdown, type Cell } from "./ipynb";
import type { CandidateNotebookInput, NotebookModel } from "./notebook-input";
import { pyLiteral, pyStr } from "./py-literal";
import { pythonSource } from "./python-source";
import { fitPlanName } from "./data-cells";

/** the largest difference from the studio's predictions the replay accepts (relative for regression values beyond 1) */
export const REPLAY_TOLERANCE = 1e-4;

/** the candidates a notebook replays: itself, or its ensemble's members */
export function modelsOf(input: CandidateNotebookInput): NotebookModel[] {
  return input.model.kind === "single" ? [input.model.single] : input.model.members;
}

/** the NumPy function that evaluates a portable model of each kind */
export const predictFunction = (kind: NotebookModel["portableKind"]) => `predict_${kind}`;

/**
 * The replay: the exported parameters (portable.json) evaluated in NumPy on the preprocessed rows — never the stored
 * predictions — then, for a bag, averaged, then calibrated and, for an ensemble, combined; the result is compared with the studio's own
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
  const single = input.model.kind === "single" && input.model.single.fits.length === 1;
  // weighted_average: an ensemble's combination, and a bag's average
  if (!single) cells.push(code(pythonSource("ensemble")));
  cells.push(code(input.model.kind === "single" ? (single ? singleReplay(input.model.single) : bagReplay(input.model.single)) : ensembleReplay(input)));
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

/** the Python namespace of a candidate: its folder, its models (each with its preprocessing) and how they predict */
function candidateNamespace(m: NotebookModel): string {
  const fits = m.fits.map((f) => `types.SimpleNamespace(folder=${pyStr(f.folder)}, stages=${fitPlanName(f)})`).join(", ");
  return `types.SimpleNamespace(number=${m.manifest.trialNumber}, folder=${pyStr(m.folder)}, fits=[${fits}], predict=${predictFunction(m.portableKind)})`;
}

/** candidate_predictions: a candidate's models' predictions averaged (a bag; one model: its own), then calibrated */
function candidatePredictions(): string {
  return [
    "def candidate_predictions(candidate, rows):",
    '    """a candidate\'s calibrated predictions of `rows`, from its exported parameters: a bag averages its models\'"""',
    "    preds = []",
    "    for fit in candidate.fits:",
    "        X_fit = fit.stages.select_features(fit.stages.preprocess(frame))",
    '        preds.append(candidate.predict(read_json(fit.folder, "portable.json"), X_fit[rows], TASK))',
    "    combined = preds[0] if len(preds) == 1 else weighted_average(preds, [1 / len(preds)] * len(preds))",
    '    if TASK["type"] != "regression":',
    '        combined = apply_calibration(read_json(candidate.folder, "calibration.json"), combined, TASK)',
    "    return combined",
  ].join("\n");
}

function bagReplay(model: NotebookModel): string {
  return [
    `# the bag: one model per cross-validation fold, each with its own preprocessing; their predictions averaged, then calibrated`,
    `CANDIDATE = ${candidateNamespace(model)}`,
    'CALIBRATION = read_json("calibration.json")',
    "",
    candidatePredictions(),
    "",
    "replayed = candidate_predictions(CANDIDATE, EVAL_ROWS)",
  ].join("\n");
}

function ensembleReplay(input: CandidateNotebookInput): string {
  if (input.model.kind !== "ensemble") throw new Error("not an ensemble");
  const members = input.model.members;
  return [
    "# each member: its own preprocessing, its model (a bag: one per cross-validation fold), its calibration",
    "MEMBERS = [",
    ...members.map((m) => `    ${candidateNamespace(m)},`),
    "]",
    "",
    candidatePredictions(),
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
    "replayed = combine([candidate_predictions(m, EVAL_ROWS) for m in MEMBERS])",
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
