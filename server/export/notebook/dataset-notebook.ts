import type { ColumnProfile, DatasetDto, DatasetWarning, LabelAssociation, ProblemType, WarningKind } from "../../contracts/dataset";
import { code, markdown, mdTable, mdText, notebookJson, type Cell } from "./ipynb";
import { pyLiteral, pyStr } from "./py-literal";
import { PLOT_HELPERS } from "./report-python";

/**
 * The data-exploration notebook of a dataset: the studio's profile and data checks (with suggested actions) as
 * markdown, then code that re-reads the CSV with pandas the way the studio reads it (after checking its SHA-256),
 * recomputes every statistic, compares them with the studio's, and draws the distributions.
 * Data (column names, categories, the file name) enters code only through pyStr/pyLiteral and markdown through mdText.
 */

/** how the studio read the file (server/data/sniff.ts) */
export interface CsvDialect {
  delimiter: string;
  encoding: "utf-8" | "windows-1252";
}

/** the label the exploration is about, when one is chosen */
export interface LabelSection {
  name: string;
  problemType: ProblemType;
  /** classification: every class with its row count, most frequent first; null for regression */
  classes: { value: string; count: number }[] | null;
  /** rows without a label */
  missing: number;
  /** imbalance and leakage (server/data/guardrails.ts labelWarnings) */
  warnings: DatasetWarning[];
  /** each column's association with the label, strongest first */
  associations: LabelAssociation[];
}

export interface DatasetNotebookInput {
  dataset: DatasetDto;
  dialect: CsvDialect;
  /** cells that mean "no value" (server/data/values.ts) */
  missingTokens: readonly string[];
  /** the label-independent data checks */
  warnings: DatasetWarning[];
  label: LabelSection | null;
}

const KIND_LABELS: Record<WarningKind, string> = {
  identifier: "identifier",
  constant: "constant column",
  duplicates: "duplicated rows",
  missing: "missing values",
  imbalance: "class imbalance",
  leakage: "leakage suspect",
};

/** the .ipynb text */
export function datasetNotebook(input: DatasetNotebookInput): string {
  return notebookJson(datasetNotebookCells(input));
}

export function datasetNotebookCells(input: DatasetNotebookInput): Cell[] {
  const { dataset, label } = input;
  const cells: Cell[] = [
    markdown(introMarkdown(input)),
    markdown(checksMarkdown(input)),
    markdown(columnsMarkdown(dataset.columns, dataset.rowCount)),
  ];
  if (label) cells.push(markdown(labelMarkdown(label, dataset.rowCount)));
  cells.push(
    markdown("## Recompute the statistics with pandas\n\nSet `CSV_PATH` to where the file is; the rest runs as it is (Python 3 with pandas and NumPy; matplotlib draws the charts when it is installed, otherwise they print as text)."),
    code(settingsCode(input)),
    code(PLOT_HELPERS),
    code(SHA_CODE),
    code(studioProfileCode(input)),
    code(READ_CODE),
    markdown("### Do pandas and the studio agree?\n\nEvery count and statistic of the studio's profile, recomputed from the file."),
    code(COMPARE_CODE),
    markdown("### Columns: types, missing values and distinct values"),
    code(OVERVIEW_CODE),
    markdown("### Distributions of the numeric columns"),
    code(NUMERIC_CODE),
    markdown("### Most frequent values of the other columns"),
    code(CATEGORIES_CODE),
    markdown("### Missing values and duplicated rows"),
    code(MISSING_CODE),
  );
  if (label) {
    cells.push(markdown(`### The label: ${mdText(label.name)}`), code(LABEL_CODE));
  }
  return cells;
}

const count = (n: number) => n.toLocaleString("en-US");
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "—");
/** a number for a markdown cell: 5 significant digits, no trailing zeros */
const num = (v: number) => (Number.isFinite(v) ? String(Number(v.toPrecision(5))) : String(v));

function introMarkdown({ dataset, label }: DatasetNotebookInput): string {
  const byType = new Map<string, number>();
  for (const c of dataset.columns) byType.set(c.type, (byType.get(c.type) ?? 0) + 1);
  const types = [...byType].map(([type, n]) => `${n} ${type}`).join(", ");
  const lines = [
    `# Data exploration: ${mdText(dataset.name)}`,
    "",
    `**${count(dataset.rowCount)} rows × ${count(dataset.columnCount)} columns** (${types}), ${count(dataset.sizeBytes)} bytes, SHA-256 \`${dataset.sha256}\`.`,
  ];
  if (label) lines.push("", `Label: **${mdText(label.name)}** (${label.problemType}).`);
  lines.push(
    "",
    "The studio's profile of the file and its data checks come first; the code cells then re-read the CSV with pandas, " +
      "check that it is the same file, recompute every statistic and draw the distributions. Nothing here needs the studio.",
  );
  return lines.join("\n");
}

function warningLines(warnings: readonly DatasetWarning[]): string[] {
  return warnings.map((w) => {
    const column = w.column === null ? "" : ` · ${mdText(w.column)}`;
    return `- **${KIND_LABELS[w.kind]}**${column}: ${mdText(w.message)}<br>*Suggested action:* ${mdText(w.action)}`;
  });
}

function checksMarkdown({ warnings, label }: DatasetNotebookInput): string {
  const lines = ["## Data checks", ""];
  if (warnings.length === 0) lines.push("No identifier or constant columns, no duplicated rows, no column mostly missing.");
  else lines.push(...warningLines(warnings));
  if (label) {
    lines.push("", `### Checks for the label ${mdText(label.name)}`, "");
    if (label.warnings.length === 0) lines.push("No severe class imbalance and no column that alone predicts the label (leakage).");
    else lines.push(...warningLines(label.warnings));
  }
  return lines.join("\n");
}

function summaryOf(c: ColumnProfile): string {
  if (c.stats && c.type === "numeric") return `min ${num(c.stats.min)} · mean ${num(c.stats.mean)} · max ${num(c.stats.max)} · std ${num(c.stats.std)}`;
  if (c.stats && c.type === "datetime") return `${new Date(c.stats.min).toISOString()} to ${new Date(c.stats.max).toISOString()}`;
  if (c.topValues && c.topValues.length > 0) return c.topValues.slice(0, 3).map((t) => `${mdText(t.value)} (${count(t.count)})`).join(", ");
  return "no values";
}

function columnsMarkdown(columns: readonly ColumnProfile[], rowCount: number): string {
  const rows = columns.map((c) => [mdText(c.name), c.type, mdText(c.reason), `${count(c.missing)} (${pct(c.missing, rowCount)})`, count(c.distinct), summaryOf(c)]);
  return ["## Columns (the studio's profile)", "", mdTable(["column", "type", "why this type", "missing", "distinct", "summary"], rows)].join("\n");
}

const MAX_LISTED = 20;

function labelMarkdown(label: LabelSection, rowCount: number): string {
  const lines = [`## The label: ${mdText(label.name)} (${label.problemType})`, ""];
  if (label.classes) {
    const labelled = label.classes.reduce((s, c) => s + c.count, 0);
    lines.push(
      `${count(label.classes.length)} classes over ${count(labelled)} labelled rows${label.missing > 0 ? ` (${count(label.missing)} rows have no label)` : ""}.`,
      "",
      mdTable(
        ["class", "rows", "share"],
        label.classes.slice(0, MAX_LISTED).map((c) => [mdText(c.value), count(c.count), pct(c.count, labelled)]),
      ),
    );
    if (label.classes.length > MAX_LISTED) lines.push("", `… and ${count(label.classes.length - MAX_LISTED)} more classes (all of them in the code below).`);
  } else {
    lines.push(`A number to predict; ${count(rowCount - label.missing)} rows have one${label.missing > 0 ? `, ${count(label.missing)} do not` : ""}.`);
  }
  const scored = label.associations.filter((a) => a.mutualInformation !== null);
  if (scored.length > 0) {
    lines.push(
      "",
      "How much each column tells about the label (mutual information over the label's entropy: 0 nothing, 1 determines it):",
      "",
      mdTable(
        ["column", "association"],
        scored.slice(0, MAX_LISTED).map((a) => [mdText(a.column), (a.mutualInformation as number).toFixed(3)]),
      ),
    );
  }
  return lines.join("\n");
}

const PANDAS_ENCODING: Record<CsvDialect["encoding"], string> = { "utf-8": "utf-8-sig", "windows-1252": "cp1252" };

function settingsCode({ dataset, dialect, missingTokens, label }: DatasetNotebookInput): string {
  return [
    "# Where the CSV is: edit the path if the file is elsewhere.",
    `CSV_PATH = ${pyStr(dataset.name)}`,
    "# the SHA-256 of the file the studio profiled, and how it read it",
    `EXPECTED_SHA256 = ${pyStr(dataset.sha256)}`,
    `DELIMITER = ${pyStr(dialect.delimiter)}`,
    `ENCODING = ${pyStr(PANDAS_ENCODING[dialect.encoding])}`,
    "# cells that mean \"no value\"",
    `MISSING_TOKENS = ${pyLiteral([...missingTokens])}`,
    "# the label column (None: no label)",
    `LABEL = ${label ? pyStr(label.name) : "None"}`,
  ].join("\n");
}

function studioProfileCode({ dataset, label }: DatasetNotebookInput): string {
  const columns = dataset.columns.map((c) => ({ name: c.name, type: c.type, missing: c.missing, distinct: c.distinct, stats: c.stats, top: c.topValues }));
  const studioLabel = label && { problemType: label.problemType, missing: label.missing, classes: label.classes };
  return [
    "# The studio's profile of the file (what its dataset page shows), to compare with what pandas finds below.",
    `STUDIO = ${pyLiteral({ rows: dataset.rowCount, columns })}`,
    `STUDIO_LABEL = ${pyLiteral(studioLabel)}`,
  ].join("\n");
}

const SHA_CODE = String.raw`import hashlib


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


actual_sha256 = sha256_of(CSV_PATH)
assert actual_sha256 == EXPECTED_SHA256, f"this is not the file the studio profiled: SHA-256 {actual_sha256}, expected {EXPECTED_SHA256}"
print("SHA-256 matches the studio's:", actual_sha256)`;

const READ_CODE = String.raw`import re
import warnings

# a plain decimal number as the studio reads one (no leading zeros: "007" stays text)
NUMBER_RE = re.compile(r"[+-]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def read_like_studio(path):
    """every cell as text, trimmed, the missing tokens as NaN; a blank header name becomes column_<n>"""
    raw = pd.read_csv(path, sep=DELIMITER, encoding=ENCODING, header=None, dtype=str, keep_default_na=False, na_filter=False, encoding_errors="replace")
    header = [str(h).strip() or f"column_{i + 1}" for i, h in enumerate(raw.iloc[0])]
    cells = raw.iloc[1:].reset_index(drop=True)
    cells.columns = header
    cells = cells.apply(lambda s: s.str.strip())
    return cells.mask(cells.isin(MISSING_TOKENS))


def studio_number_text(x):
    """a number written as the studio (JavaScript) writes it: 3 not 3.0, 0.00001 not 1e-05"""
    x = float(x) + 0.0  # -0.0 is 0
    if x == 0 or 1e-6 <= abs(x) < 1e21:
        return np.format_float_positional(x, trim="-")
    mantissa, exponent = repr(x).split("e")
    return f"{mantissa}e{'-' if exponent.startswith('-') else '+'}{int(exponent.lstrip('+-'))}"


def read_dates(s):
    """dates as the studio reads them: the day/month order the data allows (month first when both fit), times in UTC"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas warns when it has to guess the order: both orders are tried here
        month_first = pd.to_datetime(s, errors="coerce", utc=True)
        day_first = pd.to_datetime(s, errors="coerce", utc=True, dayfirst=True)
    return day_first if day_first.notna().sum() > month_first.notna().sum() else month_first


def canonical_cell(v):
    """a text cell as the studio stores it: a plain finite number in its canonical form, anything else as it is"""
    if isinstance(v, str) and NUMBER_RE.fullmatch(v) and math.isfinite(float(v)):
        return studio_number_text(v)
    return v


def studio_view(cells):
    """each column as the studio sees it: numbers for numeric columns, dates for datetime ones, text otherwise"""
    typed = {}
    for column in STUDIO["columns"]:
        name, kind = column["name"], column["type"]
        s = cells[name]
        if kind == "numeric":
            typed[name] = pd.to_numeric(s, errors="coerce")
        elif kind == "datetime":
            typed[name] = read_dates(s)
        else:
            # the studio keeps a number among categories in its canonical form ("1.50" is the category "1.5")
            typed[name] = s.map(canonical_cell)
    return pd.DataFrame(typed, columns=[c["name"] for c in STUDIO["columns"]])


cells = read_like_studio(CSV_PATH)
df = studio_view(cells)
print(f"{len(df)} rows x {df.shape[1]} columns")`;

const COMPARE_CODE = String.raw`def compare_with_studio(cells, df):
    checks = []

    def check(column, statistic, ours, studio):
        if isinstance(ours, float) or isinstance(studio, float):
            same = math.isclose(float(ours), float(studio), rel_tol=1e-7, abs_tol=1e-9)
        else:
            same = ours == studio
        checks.append({"column": short(column), "statistic": statistic, "pandas": ours, "studio": studio, "same": bool(same)})

    check("(table)", "rows", len(cells), STUDIO["rows"])
    check("(table)", "column names", list(cells.columns) == [c["name"] for c in STUDIO["columns"]], True)
    for column in STUDIO["columns"]:
        s = df[column["name"]]
        check(column["name"], "missing", int(s.isna().sum()), column["missing"])
        check(column["name"], "distinct", int(s.nunique()), column["distinct"])
        if column["type"] == "numeric" and column["stats"]:
            values = s.dropna().astype(float)
            for name, ours in (("min", values.min()), ("max", values.max()), ("mean", values.mean()), ("std", values.std(ddof=0))):
                check(column["name"], name, float(ours), float(column["stats"][name]))
        if column["type"] == "datetime" and column["stats"]:
            # the studio keeps dates as milliseconds since 1970 (UTC)
            check(column["name"], "earliest", int(s.min().value // 1_000_000), int(column["stats"]["min"]))
            check(column["name"], "latest", int(s.max().value // 1_000_000), int(column["stats"]["max"]))
        if column["top"]:
            counts = s.value_counts()
            for top in column["top"]:
                check(column["name"], "rows with " + short(top["value"], 20), int(counts.get(top["value"], 0)), top["count"])
    return pd.DataFrame(checks)


checks = compare_with_studio(cells, df)
differences = checks[~checks["same"]]
if differences.empty:
    print(f"Every statistic matches the studio's profile ({len(checks)} checked: rows, column names, missing and distinct counts, min/max/mean/std, first and last dates, most frequent values).")
else:
    print(f"{len(differences)} of {len(checks)} statistics differ from the studio's profile:")
    print(differences.to_string(index=False))`;

const OVERVIEW_CODE = String.raw`overview = pd.DataFrame(
    {
        "type (studio)": [c["type"] for c in STUDIO["columns"]],
        "pandas dtype": [str(df[c["name"]].dtype) for c in STUDIO["columns"]],
        "missing": [int(df[c["name"]].isna().sum()) for c in STUDIO["columns"]],
        "missing %": [round(100 * df[c["name"]].isna().mean(), 1) for c in STUDIO["columns"]],
        "distinct": [int(df[c["name"]].nunique()) for c in STUDIO["columns"]],
    },
    index=[short(c["name"]) for c in STUDIO["columns"]],
)
print(f"{len(df)} rows x {df.shape[1]} columns")
print(overview.to_string())`;

const NUMERIC_CODE = String.raw`numeric = [c["name"] for c in STUDIO["columns"] if c["type"] == "numeric"]
if not numeric:
    print("No numeric columns.")
else:
    # describe's std divides by n - 1; the studio's profile divides by n
    summary = df[numeric].describe().T
    summary.index = [short(name) for name in numeric]
    print(summary.to_string())
    for name in numeric:
        histogram(name, df[name])
dates = [c["name"] for c in STUDIO["columns"] if c["type"] == "datetime"]
for name in dates:
    print(f"{short(name)}: from {df[name].min()} to {df[name].max()}")`;

const CATEGORIES_CODE = String.raw`others = [c["name"] for c in STUDIO["columns"] if c["type"] in ("categorical", "boolean", "text", "identifier")]
if not others:
    print("No categorical, yes/no, text or identifier columns.")
for name in others:
    counts = df[name].value_counts()
    kind = next(c["type"] for c in STUDIO["columns"] if c["name"] == name)
    title = f"{short(name)} ({kind}): {len(counts)} distinct values, the {min(10, len(counts))} most frequent"
    bar_chart(title, list(counts.index[:10]), list(counts.values[:10]))`;

const MISSING_CODE = String.raw`missing = df.isna().sum()
missing = missing[missing > 0].sort_values(ascending=False)
if missing.empty:
    print("No missing values.")
else:
    bar_chart("Missing values per column", list(missing.index), list(missing.values))
# rows equal to an earlier row in every column but the identifiers (as the studio's check counts them)
compared = [c["name"] for c in STUDIO["columns"] if c["type"] != "identifier"]
duplicated = int(df[compared].duplicated().sum()) if compared else 0
print(f"{duplicated} duplicated rows ({100 * duplicated / max(len(df), 1):.1f}%), comparing every column but the identifiers")`;

const LABEL_CODE = String.raw`y = df[LABEL]
if STUDIO_LABEL["problemType"] == "regression":
    print(y.describe().to_string())
    histogram(f"{short(LABEL)} (label)", y)
else:
    if pd.api.types.is_numeric_dtype(y):
        y = y.map(lambda v: v if pd.isna(v) else studio_number_text(v))
    classes = y.value_counts()
    balance = pd.DataFrame({"rows": classes.values, "share": (classes.values / classes.sum()).round(4)}, index=[short(v) for v in classes.index])
    print(balance.to_string())
    print(f"{len(classes)} classes; {int(y.isna().sum())} rows without a label; the largest class has {classes.max() / classes.min():.1f}x the rows of the smallest")
    bar_chart(f"{short(LABEL)} (label): rows per class", list(classes.index[:20]), list(classes.values[:20]))
    studio_classes = {c["value"]: c["count"] for c in STUDIO_LABEL["classes"]}
    if {k: int(v) for k, v in classes.items()} == studio_classes:
        print("The class counts match the studio's.")
    else:
        print("The class counts differ from the studio's:", studio_classes)`;
