import { describeCalibration } from "../../automl/calibration/calibration-state";
import { ENSEMBLE_FAMILY } from "../../models/ensemble/ensemble-spec";
import { code, markdown, mdTable, mdText, notebookJson, type Cell } from "./ipynb";
import type { CandidateNotebookInput, Neighbour } from "./notebook-input";
import { pyLiteral, pyStr } from "./py-literal";
import { pythonSource } from "./python-source";
import { dataCells } from "./data-cells";
import { replayCells } from "./replay-cells";
import { retrainCells } from "./retrain-cells";

/**
 * The reproducibility notebook of one candidate (issue 7): why it was chosen, the data read and checked by hash,
 * its preprocessing written out, a replay of its predictions from the exported parameters (asserted against the
 * studio's), a retrain from scratch (asserted within a tolerance of the studio's metric), and what to try next.
 * It runs from the unzipped archive folder (ARCHIVE_DIR), with the CSV at CSV_PATH.
 */
export function candidateNotebook(input: CandidateNotebookInput): string {
  return notebookJson([...header(input), ...setup(input), ...dataCells(input), ...replayCells(input), ...retrainCells(input), ...nextSteps(input)]);
}

function header(input: CandidateNotebookInput): Cell[] {
  const m = input.manifest;
  const metric = m.metric;
  const test = m.test ? `${fmt(m.test.score)} on ${m.test.rows} test rows the search never saw` : "no test split was held out";
  const rank = input.rank === null ? "not ranked" : `rank ${input.rank} of ${input.candidates} scored candidates`;
  const what = m.family === ENSEMBLE_FAMILY && input.model.kind === "ensemble"
    ? `an ensemble (${input.model.method}) of ${input.model.members.length} candidates: ${input.model.members.map((x) => `#${x.manifest.trialNumber} ${x.manifest.family}`).join(", ")}`
    : m.bag
      ? `a bag of ${m.bag.length} ${m.family} models, one per cross-validation fold, their predictions averaged`
      : `a ${m.family} model`;
  const params = Object.entries(input.params).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [mdText(k), mdText(String(v))]);
  const s = input.search;
  const calibration = input.model.kind === "single" ? input.model.single.calibration : input.model.calibration;
  return [
    markdown(
      [
        `# Candidate #${m.trialNumber}: ${mdText(m.family)}, validation ${metric} ${fmt(m.validation.score)}`,
        "",
        `Predicting **${mdText(m.label)}** (${m.problemType}) from **${mdText(m.dataset.name)}** (${m.dataset.rows} rows). This candidate is ${mdText(what)}; ${rank}.`,
        "",
        "## Why this candidate",
        `- validation ${metric}: ${fmt(m.validation.score)}${m.validation.stdError !== undefined ? ` (± ${fmt(m.validation.stdError)} bootstrap standard error)` : ""}, ${m.validation.kind === "cv" ? `out of fold over ${m.validation.folds} folds` : "on the validation split"} (${m.validation.rows} rows)`,
        `- test ${metric}: ${test}`,
        `- found by the ${mdText(s.strategy)} strategy with the ${mdText(s.scheduler)} scheduler and ${mdText(s.estimation)} estimation, searching ${s.families.map(mdText).join(", ")}; trial ${m.trialNumber}${s.parentNumber !== null ? `, started from candidate #${s.parentNumber}'s weights` : ""}`,
        s.reason ? `- how it ended: ${mdText(s.reason)}` : "",
        `- the kept model was fitted on ${mdText(m.fittedOn)}`,
        calibration ? `- calibration: ${mdText(describeCalibration(calibration))}` : "",
        "",
        params.length > 0 ? mdTable(["hyperparameter", "value"], params) : "",
        "",
        "Run every cell from the unzipped candidate archive (the folder holding this notebook). Set `CSV_PATH` below to where the dataset is.",
      ].join("\n"),
    ),
  ];
}

function setup(input: CandidateNotebookInput): Cell[] {
  const m = input.manifest;
  return [
    code(
      [
        "import hashlib, json, os, types",
        "import numpy as np",
        "import pandas as pd",
        "",
        `CSV_PATH = ${pyStr(input.csvFileName)}  # the dataset the studio trained on: change this to where your copy is`,
        'ARCHIVE_DIR = "."  # the unzipped candidate archive',
        `EXPECTED_SHA256 = ${pyStr(m.dataset.sha256)}`,
        `TASK = ${pyLiteral({ type: m.problemType, classes: m.classes })}`,
        `METRIC = ${pyStr(m.metric)}`,
        "",
        "def read_json(*parts):",
        '    """a JSON file of the archive, or None when it is absent"""',
        "    path = os.path.join(ARCHIVE_DIR, *parts)",
        "    if not os.path.exists(path):",
        "        return None",
        '    with open(path, encoding="utf-8") as f:',
        "        return json.load(f)",
        "",
        'with open(CSV_PATH, "rb") as f:',
        "    sha256 = hashlib.sha256(f.read()).hexdigest()",
        'assert sha256 == EXPECTED_SHA256, f"{CSV_PATH} is not the file the studio trained on (sha256 {sha256}, expected {EXPECTED_SHA256})"',
        'SPLIT = read_json("split.json")',
        'print("dataset checked:", sha256)',
      ].join("\n"),
    ),
    markdown("## Helper code\nThe functions below are how the studio computes its metrics; the sections after them use them."),
    code(pythonSource("metrics")),
  ];
}

function nextSteps(input: CandidateNotebookInput): Cell[] {
  if (input.neighbours.length === 0) return [markdown("## What to try next\nNo other scored candidate of this run is close enough to compare.")];
  const rows = input.neighbours.map((n: Neighbour) => [
    `#${n.number}`,
    mdText(n.family),
    fmt(n.valScore),
    n.testScore === null ? "—" : fmt(n.testScore),
    n.changes.length === 0 ? "the same settings" : n.changes.map((c) => `${mdText(c.name)}: ${mdText(show(c.from))} → ${mdText(show(c.to))}`).join("; "),
  ]);
  return [
    markdown(
      [
        "## What to try next",
        `The scored candidates nearest to this one (fewest hyperparameters changed), with what they changed and how their validation ${input.manifest.metric} moved. Settings that helped a neighbour are worth combining with this candidate's; a family's neighbours in another family show what a different model gives on the same data.`,
        "",
        mdTable(["candidate", "family", `validation ${input.manifest.metric}`, `test ${input.manifest.metric}`, "changed from this candidate"], rows),
      ].join("\n"),
    ),
  ];
}

const show = (v: unknown) => (v === null || v === undefined ? "(not set)" : String(v));

function fmt(v: number): string {
  return Math.abs(v) >= 1000 ? v.toFixed(1) : v.toPrecision(4);
}
