import type { Task } from "../../models/family";
import { code, markdown, type Cell } from "./ipynb";
import type { CandidateNotebookInput, NotebookFit, NotebookModel } from "./notebook-input";
import { preprocessingPython } from "./preprocessing-code";
import { pyLiteral } from "./py-literal";
import { pythonSource } from "./python-source";

/**
 * The notebook's data sections: the CSV read as the studio reads it, the split, and each model's preprocessing and
 * feature selection written out (where a candidate has several models, a bag's folds or an ensemble's members, each
 * has its own, wrapped in one function per model).
 */
export function dataCells(input: CandidateNotebookInput): Cell[] {
  const task: Task = { type: input.manifest.problemType, classes: input.manifest.classes };
  const read = [
    markdown(
      "## 1. The data, read as the studio read it\nThe studio reads every cell as text and decides per column how to read it (numbers, yes/no values, dates, categories, free text). These functions do the same.",
    ),
    code(pythonSource("data")),
    code(
      [
        "frame = read_studio_csv(CSV_PATH)",
        "",
        "def fit_rows(refit, fold=0):",
        '    """the rows a model and its preprocessing were fitted on: every non-test row after a refit, else fold `fold`\'s training rows (holdout: the training split)"""',
        "    if refit:",
        '        return sorted(SPLIT["train"] + SPLIT["valid"])',
        '    if SPLIT.get("folds"):',
        '        held = set(SPLIT["folds"][fold])',
        '        return [r for r in SPLIT["train"] if r not in held]',
        '    return list(SPLIT["train"])',
        "",
        input.replayRows === "test"
          ? 'EVAL_ROWS = list(SPLIT["test"])  # the test split: no stage of the search saw it'
          : 'EVAL_ROWS = list(SPLIT["valid"] or SPLIT["train"])  # the run held out no test split: the replay compares on these rows',
        'print(f"{len(frame)} rows; {len(SPLIT[\'train\'])} training, {len(SPLIT[\'valid\'])} validation, {len(SPLIT[\'test\'])} test")',
      ].join("\n"),
    ),
  ];
  const models = input.model.kind === "single" ? [input.model.single] : input.model.members;
  const fits = models.flatMap((m) => m.fits);
  if (fits.length === 1) return [...read, ...singlePlan(models[0], fits[0], task)];
  return [...read, ...fitPlans(models, task)];
}

function singlePlan(model: NotebookModel, fit: NotebookFit, task: Task): Cell[] {
  return [
    markdown(
      "## 2. Preprocessing and feature selection\nEvery step below was fitted by the studio on the training rows; its fitted values are written in as numbers. `check_preprocessing` refits them from the data with pandas and checks they agree.",
    ),
    code(preprocessingPython(fit.preprocessing, fit.selection, model.manifest.label, task)),
    code(
      [
        `FIT_ROWS = ${fitRows(fit)}`,
        "check_preprocessing(frame, FIT_ROWS)",
        "X = select_features(preprocess(frame))",
        "y = encode_label(frame)",
        'print("model input:", X.shape, "features:", len(KEPT_FEATURES))',
      ].join("\n"),
    ),
  ];
}

/** the Python call that lists the rows a model was fitted on */
export const fitRows = (fit: NotebookFit) => `fit_rows(${pyLiteral(fit.refit)}${fit.fold > 0 ? `, ${fit.fold}` : ""})`;

/** the Python name of a fitted model's preprocessing namespace */
export const fitPlanName = (fit: NotebookFit) => `plan_${fit.key}`;

function fitPlans(models: NotebookModel[], task: Task): Cell[] {
  const cells: Cell[] = [
    markdown(
      "## 2. Each model's preprocessing and feature selection\nEvery model below (a bag's one per cross-validation fold, an ensemble's members) was trained with its own data stages, fitted on its training rows; each is written out inside one function per model, so their names do not collide.",
    ),
  ];
  for (const m of models) {
    for (const [i, fit] of m.fits.entries()) {
      const plan = preprocessingPython(fit.preprocessing, fit.selection, m.manifest.label, task);
      const indented = plan.split("\n").map((line) => (line.length > 0 ? `    ${line}` : line)).join("\n");
      const which = m.fits.length > 1 ? `, the model of fold ${i + 1} of ${m.fits.length}` : "";
      cells.push(
        code(
          [
            `def stages_${fit.key}():`,
            `    """candidate #${m.manifest.trialNumber} (${m.manifest.family})${which}: its preprocessing and feature selection"""`,
            indented,
            "    return types.SimpleNamespace(**locals())",
            "",
            `${fitPlanName(fit)} = stages_${fit.key}()`,
            `${fitPlanName(fit)}.check_preprocessing(frame, ${fitRows(fit)})`,
          ].join("\n"),
        ),
      );
    }
  }
  cells.push(code(`y = ${fitPlanName(models[0].fits[0])}.encode_label(frame)`));
  return cells;
}
