import type { Task } from "../../models/family";
import { code, markdown, type Cell } from "./ipynb";
import type { CandidateNotebookInput, NotebookModel } from "./notebook-input";
import { preprocessingPython } from "./preprocessing-code";
import { pyLiteral } from "./py-literal";
import { pythonSource } from "./python-source";

/**
 * The notebook's data sections: the CSV read as the studio reads it, the split, and each model's preprocessing and
 * feature selection written out (an ensemble's members each have their own, wrapped in one function per member).
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
        "def fit_rows(refit):",
        '    """the rows a kept model and its preprocessing were fitted on: every non-test row after a refit, else its first fold\'s training rows"""',
        "    if refit:",
        '        return sorted(SPLIT["train"] + SPLIT["valid"])',
        '    if SPLIT.get("folds"):',
        '        held = set(SPLIT["folds"][0])',
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
  if (input.model.kind === "single") return [...read, ...singlePlan(input.model.single, task)];
  return [...read, ...memberPlans(input.model.members, task)];
}

function singlePlan(model: NotebookModel, task: Task): Cell[] {
  return [
    markdown(
      "## 2. Preprocessing and feature selection\nEvery step below was fitted by the studio on the training rows; its fitted values are written in as numbers. `check_preprocessing` refits them from the data with pandas and checks they agree.",
    ),
    code(preprocessingPython(model.preprocessing, model.selection, model.manifest.label, task)),
    code(
      [
        `FIT_ROWS = fit_rows(${pyLiteral(model.manifest.refit != null)})`,
        "check_preprocessing(frame, FIT_ROWS)",
        "X = select_features(preprocess(frame))",
        "y = encode_label(frame)",
        'print("model input:", X.shape, "features:", len(KEPT_FEATURES))',
      ].join("\n"),
    ),
  ];
}

/** the Python name of a member's preprocessing namespace */
export const memberPlanName = (m: NotebookModel) => `plan_${m.manifest.trialNumber}`;

function memberPlans(members: NotebookModel[], task: Task): Cell[] {
  const cells: Cell[] = [
    markdown(
      "## 2. Each member's preprocessing and feature selection\nEvery member of the ensemble was trained with its own data stages, fitted on its training rows; each is written out below inside one function per member, so their names do not collide.",
    ),
  ];
  for (const m of members) {
    const plan = preprocessingPython(m.preprocessing, m.selection, m.manifest.label, task);
    const indented = plan.split("\n").map((line) => (line.length > 0 ? `    ${line}` : line)).join("\n");
    cells.push(
      code(
        [
          `def member_${m.manifest.trialNumber}_stages():`,
          `    """candidate #${m.manifest.trialNumber} (${m.manifest.family}): its preprocessing and feature selection"""`,
          indented,
          "    return types.SimpleNamespace(**locals())",
          "",
          `${memberPlanName(m)} = member_${m.manifest.trialNumber}_stages()`,
          `${memberPlanName(m)}.check_preprocessing(frame, fit_rows(${pyLiteral(m.manifest.refit != null)}))`,
        ].join("\n"),
      ),
    );
  }
  cells.push(code(`y = ${memberPlanName(members[0])}.encode_label(frame)`));
  return cells;
}
