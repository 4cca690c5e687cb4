import { stepOutputs, type ColumnStep, type PreprocessOptions, type PreprocessorState } from "../../data/preprocess";
import { keptColumns, type SelectionState } from "../../data/selection/select";
import type { Task } from "../../models/family";
import { pyLiteral, pyStr, type PyValue } from "./py-literal";

/**
 * A candidate's fitted preprocessing and feature selection as a notebook code cell: plain calls of data.py's helpers
 * (which the notebook defines before this cell), one per CSV column, with the fitted parameters written out as
 * literals. Every string from the data (column names, categories, classes) enters the code only through pyStr /
 * pyLiteral, and comments hold no data, so no header or value can become code.
 *
 * The cell defines:
 *  - FEATURE_NAMES, DROPPED_COLUMNS ({column: why});
 *  - preprocess(frame): read_studio_csv's frame of the WHOLE file -> float32 matrix rows x len(FEATURE_NAMES), equal
 *    to the studio's transform(state, table) bit for bit (index it by rows afterwards: the studio decides how to read a
 *    column from all its rows);
 *  - KEPT_FEATURES, select_features(X): the selection's kept columns (all of them without a selection);
 *  - encode_label(frame): class codes in task.classes order (-1 where the label is missing), or float32 targets (NaN
 *    where missing); the studio leaves rows without a label out of every split, so they are never trained or scored;
 *  - check_preprocessing(frame, train_rows): refits every parameter that can be refitted on train_rows and asserts
 *    it equals the literal (1e-9 relative).
 *
 * train_rows must be the rows the studio fitted the stored preprocessing on (prepareFold in jobs/candidate-data.ts,
 * for the fold whose stages the archive keeps, jobs/estimate-candidate.ts): when the candidate was refit
 * (manifest.refit is set), every non-test row, i.e. sorted(split.train + split.valid); when it was not (the budget
 * or a cancel cut it short), the first validation fold's training rows: split.train for a holdout split,
 * split.train minus split.folds[0] under cross-validation. Row numbers index the table's rows, which are
 * read_studio_csv's rows (blank lines are not rows).
 */
export function preprocessingPython(state: PreprocessorState, selection: SelectionState | null, label: string, task: Task): string {
  const steps = stepOutputs(state).map((o) => o.step);
  const options = state.version === 2 ? state.options : V1_OPTIONS;
  const dropped = steps.filter((s) => s.kind === "dropped");
  const selected = selection && selection.method !== "none" ? selection : null;
  const sections = [
    `FEATURE_NAMES = ${list(state.featureNames, "")}`,
    `# columns the preprocessing leaves out, and why\nDROPPED_COLUMNS = ${dict(dropped.map((s) => [s.name, s.reason]))}`,
    preprocessFunction(steps),
    selected ? selectionCode(keptColumns(selected, state.featureNames.length), state.featureNames, selected.method) : KEEP_ALL,
    labelFunction(label, task),
    checkFunction(steps, options, label, task),
  ];
  return `${sections.join("\n\n\n")}\n`;
}

/** version 1 states predate the options and mean these */
const V1_OPTIONS: PreprocessOptions = { imputation: "median", encoding: "onehot", scaling: "standard" };

const INDENT = "    ";
const LINE = 116;

/** a Python list literal; one too long for its line is wrapped, as many items to a line as fit */
function list(value: readonly PyValue[], indent: string): string {
  const flat = pyLiteral(value);
  if (flat.length <= LINE - indent.length - 20) return flat;
  const inner = indent + INDENT;
  const lines: string[] = [];
  let line = "";
  for (const item of value.map((v) => `${pyLiteral(v)},`)) {
    if (line && inner.length + line.length + 1 + item.length > LINE) {
      lines.push(line);
      line = "";
    }
    line = line ? `${line} ${item}` : item;
  }
  lines.push(line);
  return `[\n${lines.map((l) => inner + l).join("\n")}\n${indent}]`;
}

function dict(entries: [string, string][]): string {
  if (entries.length === 0) return "{}";
  return `{\n${entries.map(([k, v]) => `${INDENT}${pyStr(k)}: ${pyStr(v)},`).join("\n")}\n}`;
}

/** a call, on one line when it fits (after `lead` characters of its line), else one argument per line */
function call(fn: string, positional: string[], keywords: [string, PyValue][], indent: string, lead = 0): string {
  const inner = indent + INDENT;
  const args = [...positional, ...keywords.map(([k, v]) => `${k}=${Array.isArray(v) ? list(v, inner) : pyLiteral(v)}`)];
  const flat = `${fn}(${args.join(", ")})`;
  if (indent.length + lead + flat.length <= LINE && !flat.includes("\n")) return flat;
  return `${fn}(\n${args.map((a) => `${inner}${a},`).join("\n")}\n${indent})`;
}

type UsedStep = Exclude<ColumnStep, { kind: "dropped" }>;

/** the helper call that writes a step's columns, and a comment that names its kind (never data) */
function stepCall(step: UsedStep, indent: string): { comment: string; code: string } {
  const at = (fn: string, keywords: [string, PyValue][]) => call(fn, ["frame", pyStr(step.name)], keywords, indent, "blocks.append(".length + 1);
  switch (step.kind) {
    case "numeric":
      return {
        comment: `numeric: a missing value gets the fill, then (x - center) / scale${step.missingIndicator ? "; then a 0/1 column: was it missing" : ""}`,
        code: at("numeric_feature", [["fill", step.fill], ["center", step.center], ["scale", step.scale], ["missing_indicator", step.missingIndicator]]),
      };
    case "boolean":
      return {
        comment: "yes/no: 1 for the `ones` values, 0 for the `zeros`; a missing or unseen value gets the training median",
        code: at("boolean_feature", [["ones", step.ones], ["zeros", step.zeros], ["median", step.median]]),
      };
    case "datetime":
      return {
        comment: `datetime: calendar parts in UTC, each (part - center) / scale${step.missingIndicator ? "; then a 0/1 column: was it missing" : ""}`,
        code: at("datetime_feature", [
          ["origin", step.origin],
          ["parts", step.parts.map((p) => ({ part: p.part, fill: p.fill, center: p.center, scale: p.scale }))],
          ["missing_indicator", step.missingIndicator],
        ]),
      };
    case "text":
      return { comment: "text: hashed bag of words, unit length", code: at("text_feature", [["buckets", step.buckets]]) };
    case "categorical": {
      const base: [string, PyValue][] = [["categories", step.categories], ["fill", step.fill]];
      const e = step.encoding;
      switch (e.type) {
        case "onehot":
          return {
            comment: `categorical, one-hot: categories seen fewer than ${step.minCount} times in training count as OTHER (last column)`,
            code: at("onehot_feature", base),
          };
        case "ordinal":
          return {
            comment: "categorical, ordinal: (index in the sorted categories, OTHER last, -1 if missing - center) / scale",
            code: at("ordinal_feature", [...base, ["center", e.center], ["scale", e.scale]]),
          };
        case "target":
          return {
            comment: `categorical, target encoding: smoothed label statistics per category (${e.outputs.length} output${e.outputs.length > 1 ? "s" : ""})`,
            code: at("target_feature", [...base, ["values", e.values], ["missing", e.missing], ["prior", e.prior], ["center", e.center], ["scale", e.scale]]),
          };
      }
    }
  }
}

function preprocessFunction(steps: ColumnStep[]): string {
  const body = steps
    .filter((s): s is UsedStep => s.kind !== "dropped")
    .map((step) => {
      const { comment, code } = stepCall(step, INDENT);
      return `${INDENT}# ${comment}\n${INDENT}blocks.append(${code})`;
    });
  return `def preprocess(frame):
    """The studio's preprocessing of every row of \`frame\`, as a float32 matrix rows x len(FEATURE_NAMES).

    frame: read_studio_csv() of the WHOLE file. The studio decides how to read each column from all of its rows, so
    take rows from the result (preprocess(frame)[rows]), not from the frame. Each block below is one CSV column, with
    the parameters the studio fitted on the training rows written out (check_preprocessing refits them). Values are
    computed in float64 and rounded to float32 once, as the studio does.
    """
    blocks = []
${body.join("\n")}
    X = np.concatenate(blocks, axis=1)
    assert X.shape[1] == len(FEATURE_NAMES)
    return X.astype(np.float32)`;
}

const KEEP_ALL = `# no feature selection: the model sees every column
KEPT_FEATURES = list(FEATURE_NAMES)


def select_features(X):
    """The columns the model sees: all of them."""
    return X`;

function selectionCode(kept: number[], names: string[], method: string): string {
  return `# feature selection (${method}, fitted on the training rows): the columns the model sees, in order
KEPT_FEATURES = ${list(kept.map((j) => names[j]), "")}
KEPT_COLUMNS = ${list(kept, "")}


def select_features(X):
    """The kept columns of a preprocess() matrix, in order."""
    return X[:, KEPT_COLUMNS]`;
}

function labelFunction(label: string, task: Task): string {
  const what = task.type === "regression" ? "float32 targets, NaN where it is missing" : "class codes (index into the classes), -1 where it is missing";
  const doc = `"""The label as the studio trains on it: ${what}.

    The studio leaves rows without a label out of every split: they are never trained or scored on.
    """`;
  const code = task.type === "regression"
    ? `regression_target(frame, ${pyStr(label)})`
    : call("class_codes", ["frame", pyStr(label), list(task.classes, INDENT)], [], INDENT);
  return `def encode_label(frame):\n${INDENT}${doc}\n${INDENT}return ${code}`;
}

/** the assert_fitted call that refits a step and compares it with the literals, or a comment where nothing refits */
function checkCall(step: UsedStep, o: PreprocessOptions, rows: string): string {
  const check = (fit: string, args: PyValue[], expected: [string, PyValue][]) =>
    call("assert_fitted", [call(fit, ["frame", pyStr(step.name), rows, ...args.map((a) => pyLiteral(a))], [], INDENT + INDENT)], expected, INDENT);
  switch (step.kind) {
    case "numeric":
      return check("fit_numeric", [o.imputation, o.scaling], [["fill", step.fill], ["center", step.center], ["scale", step.scale], ["missing_indicator", step.missingIndicator]]);
    case "datetime":
      return check("fit_datetime", [o.imputation, o.scaling], [
        ["origin", step.origin],
        ["parts", step.parts.map((p) => ({ part: p.part, fill: p.fill, center: p.center, scale: p.scale }))],
        ["missing_indicator", step.missingIndicator],
      ]);
    case "boolean":
      return check("fit_boolean", [], [["ones", step.ones], ["zeros", step.zeros], ["median", step.median]]);
    case "text":
      return "# text: nothing is fitted but the bucket count";
    case "categorical": {
      const e = step.encoding;
      const fit = (expected: [string, PyValue][]) =>
        call("assert_fitted", [`fit_categorical(frame, ${pyStr(step.name)}, ${rows}, ${pyLiteral(o.imputation)}, ${pyLiteral(o.encoding)}, ${pyLiteral(o.scaling)}, y, task)`], [["encoding", e.type], ["fill", step.fill], ...expected], INDENT);
      if (e.type === "target") {
        // center and scale are fitted on the training rows' out-of-fold encodings (seeded folds): not rebuilt here
        return `# target encoding: the statistics of all training rows; its center and scale come from out-of-fold encodings
${INDENT}# (the studio's seeded folds of the training rows), which are not rebuilt here
${INDENT}${fit([["categories", step.categories], ["values", e.values], ["missing", e.missing], ["prior", e.prior]])}`;
      }
      const scaled: [string, PyValue][] = e.type === "ordinal" ? [["center", e.center], ["scale", e.scale]] : [];
      return fit([["categories", step.categories], ["min_count", step.minCount], ...scaled]);
    }
  }
}

function checkFunction(steps: ColumnStep[], options: PreprocessOptions, label: string, task: Task): string {
  const used = steps.filter((s): s is UsedStep => s.kind !== "dropped");
  const lines = [
    `rows = np.asarray(train_rows, dtype=np.int64)`,
    `assert [c for c in frame.columns if c != ${pyStr(label)}] == ${list(steps.map((s) => s.name), INDENT)}`,
    `task = ${pyLiteral({ type: task.type, classes: task.classes })}`,
    `y = encode_label(frame)[rows]`,
    ...used.map((step) => checkCall(step, options, "rows")),
  ];
  return `def check_preprocessing(frame, train_rows):
    """Refits the preprocessing on train_rows with pandas/NumPy and asserts that it gives the parameters above.

    train_rows: the rows the studio fitted it on. When the candidate was refit (the manifest's refit is set): every
    non-test row, sorted(split.train + split.valid). Otherwise: the first validation fold's training rows, split.train
    for a holdout split, or split.train without split.folds[0] under cross-validation. frame: the whole file.
    """
${lines.map((l) => INDENT + l).join("\n")}`;
}
