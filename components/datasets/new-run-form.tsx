"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { ColumnType, Metric, ProblemType } from "@/server/contracts/dataset";
import type { DatasetDetailDto, LabelReportDto } from "@/server/contracts/dataset-api";
import {
  ESTIMATION_NAMES,
  FAMILY_NAMES,
  SCHEDULER_NAMES,
  STRATEGY_NAMES,
  type EstimationName,
  type FamilyName,
  type RunDto,
  type SchedulerName,
  type StrategyName,
} from "@/server/contracts/run";
import { useCreateRun } from "../queries/create-run";
import { ErrorMessage } from "../ui/error-message";
import { METRIC_LABELS, PROBLEM_LABELS } from "../ui/format";
import { ConstraintFields, constraintsInput, type ConstraintChoice } from "./constraint-fields";
import { defaultRunFormValues, runFormValuesOf } from "./run-form-values";
import { WarningList } from "./warning-list";
import { ValidationFields, type ValidationChoice } from "./validation-fields";

const PROBLEM_TYPES: ProblemType[] = ["binary", "multiclass", "regression"];

const STRATEGY_LABELS: Record<StrategyName, string> = {
  random: "Random search",
  grid: "Grid search",
  coarse_to_fine: "Coarse to fine (random, then zoom in)",
  tpe: "Bayesian: TPE",
  gp: "Bayesian: Gaussian process + expected improvement",
  evolution: "Regularised evolution",
  rl: "Reinforcement learning (REINFORCE controller)",
};

const FAMILY_LABELS: Record<FamilyName, string> = {
  mlp: "MLP: tune a multi-layer perceptron's hyperparameters",
  nas: "Neural architecture search: chains, skips and branches, stacked cells",
  gbdt: "Gradient-boosted trees (histogram-based, leaf-wise or depth-wise)",
  linear: "Linear and logistic models (L1, L2, elastic net)",
  forest: "Random forests and extra trees",
};

const ESTIMATION_LABELS: Record<EstimationName, string> = {
  full: "Full training with early stopping",
  curve: "Learning-curve extrapolation: stop trials that can't win",
  low: "Lower fidelity: screen on fewer rows, epochs and units; train the best in full",
  inherit: "Weight inheritance: start from the closest finished network's weights",
};

const SCHEDULER_LABELS: Record<SchedulerName, string> = {
  none: "None: every trial trains in full",
  hyperband: "Hyperband (successive halving, 3 to 81 epochs)",
  asha: "ASHA (asynchronous successive halving)",
};

/** one-click pairs, as Keras Tuner offers Hyperband: a strategy with a scheduler */
const PRESETS: { name: string; strategy: StrategyName; scheduler: SchedulerName; title: string }[] = [
  { name: "Hyperband", strategy: "random", scheduler: "hyperband", title: "Random search under Hyperband: many cheap trials, the best third trained further at each rung" },
  { name: "BOHB", strategy: "tpe", scheduler: "hyperband", title: "TPE under Hyperband (Bayesian optimisation and Hyperband)" },
];

/** The label and the problem type chosen for it ("" = as detected); the page holds it, for the column table too. */
export interface LabelChoice {
  label: string;
  override: ProblemType | "";
}

/** the last column, as detected */
export const defaultLabelChoice = (detail: DatasetDetailDto): LabelChoice => ({ label: detail.labels[detail.labels.length - 1]?.name ?? "", override: "" });

/** The label report for the current choice, as the query gives it. */
export interface LabelReportState {
  data: LabelReportDto | undefined;
  error: unknown;
}

/**
 * The "new run" form: the label (its detected problem type shown, and overridable, with the label's guardrail
 * warnings: class imbalance, leakage suspects), the metric (the type's default unless chosen), a time budget and/or
 * a trial count, the seed, the search strategy and how candidates are validated, serving constraints; with the column
 * types the user changed in the column table (only those). Cloning a run starts from its settings. Start goes to the
 * run's page.
 */
export function NewRunForm({
  detail,
  choice,
  onChoice,
  report,
  columnTypes = {},
  clone = null,
}: {
  detail: DatasetDetailDto;
  choice: LabelChoice;
  onChoice(choice: LabelChoice): void;
  report: LabelReportState;
  /** column name → type, only the columns whose type the user changed */
  columnTypes?: Record<string, ColumnType>;
  /** the run whose settings the form starts from (the page keys the form by it, so these are initial values only) */
  clone?: RunDto | null;
}) {
  const router = useRouter();
  const create = useCreateRun();
  const { label, override } = choice;
  const [initial] = useState(() => (clone ? runFormValuesOf(clone) : defaultRunFormValues));
  const [metric, setMetric] = useState<Metric | "">(initial.metric);
  const [budgetMinutes, setBudgetMinutes] = useState(initial.budgetMinutes);
  const [maxTrials, setMaxTrials] = useState(initial.maxTrials);
  const [seed, setSeed] = useState(initial.seed);
  const [testPercent, setTestPercent] = useState(initial.testPercent);
  const [validation, setValidation] = useState<ValidationChoice>(initial.validation);
  const [strategy, setStrategy] = useState<StrategyName>(initial.strategy);
  const [scheduler, setScheduler] = useState<SchedulerName>(initial.scheduler);
  const [families, setFamilies] = useState<FamilyName[]>(initial.families);
  const [estimation, setEstimation] = useState<EstimationName>(initial.estimation);
  const [constraints, setConstraints] = useState<ConstraintChoice>(initial.constraints);

  const option = detail.labels.find((l) => l.name === label);
  const detected = option?.problemType ?? null;
  const problemType = override || detected;
  const metrics = problemType ? detail.metrics[problemType] : null;
  const chosenMetric = metric && metrics?.metrics.includes(metric) ? metric : (metrics?.default ?? "");

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const num = (s: string) => (s.trim() === "" ? undefined : Number(s));
    create.mutate(
      {
        datasetId: detail.dataset.id,
        label,
        problemType: override || undefined,
        metric: metric && chosenMetric === metric ? metric : undefined,
        budgetMinutes: num(budgetMinutes),
        maxTrials: num(maxTrials),
        seed: num(seed),
        testFraction: testPercent.trim() === "" ? undefined : Number(testPercent) / 100,
        columnTypes: Object.keys(columnTypes).length > 0 ? columnTypes : undefined,
        strategy,
        scheduler,
        families,
        estimation,
        validation: validation.validation,
        finalModel: validation.finalModel,
        groupColumn: validation.groupColumn && validation.groupColumn !== label ? validation.groupColumn : undefined,
        timeColumn: validation.timeColumn && validation.timeColumn !== label ? validation.timeColumn : undefined,
        constraints: constraintsInput(constraints),
      },
      { onSuccess: (run) => router.push(`/runs/${run.id}`) },
    );
  };

  return (
    <form className="card form" onSubmit={submit} data-testid="new-run-form">
      <h2>New run</h2>
      {clone ? (
        <p className="notice" data-testid="clone-note" data-run-id={clone.id}>
          Cloned from run <span className="mono">{clone.id}</span>: change what you like.
        </p>
      ) : null}
      <div className="form-grid">
        <label className="field">
          <span>Label (what to predict)</span>
          <select
            value={label}
            data-testid="label-select"
            onChange={(e) => {
              onChoice({ label: e.target.value, override: "" });
              setMetric("");
            }}
          >
            {detail.labels.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
          {option ? (
            <small className="muted" data-testid="detected-problem-type" data-problem-type={detected ?? ""} title={option.reason}>
              detected: {detected ? PROBLEM_LABELS[detected] : "not usable"} — {option.reason}
            </small>
          ) : null}
        </label>
        <label className="field">
          <span>Problem type</span>
          <select
            value={override}
            data-testid="problem-type-select"
            onChange={(e) => {
              onChoice({ label, override: e.target.value as ProblemType | "" });
              setMetric("");
            }}
          >
            <option value="">{detected ? `detected (${PROBLEM_LABELS[detected]})` : "detected"}</option>
            {PROBLEM_TYPES.map((p) => (
              <option key={p} value={p}>
                {PROBLEM_LABELS[p]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Metric</span>
          <select value={chosenMetric} data-testid="metric-select" onChange={(e) => setMetric(e.target.value as Metric)} disabled={!metrics}>
            {metrics?.metrics.map((m) => (
              <option key={m} value={m}>
                {METRIC_LABELS[m] ?? m}
                {m === metrics.default ? " (default)" : ""}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Time budget (minutes)</span>
          <input type="number" min="0" step="any" placeholder="no limit" value={budgetMinutes} data-testid="budget-minutes" onChange={(e) => setBudgetMinutes(e.target.value)} />
        </label>
        <label className="field">
          <span>Max trials</span>
          <input type="number" min="1" step="1" placeholder="no limit" value={maxTrials} data-testid="max-trials" onChange={(e) => setMaxTrials(e.target.value)} />
        </label>
        <label className="field">
          <span>Seed</span>
          <input type="number" min="0" step="1" value={seed} data-testid="seed" onChange={(e) => setSeed(e.target.value)} />
        </label>
        <label className="field" title="Rows held out as a test split the search never sees; 0 if you keep a test set of your own">
          <span>Test split (% of rows)</span>
          <input type="number" min="0" max="50" step="1" value={testPercent} data-testid="test-percent" onChange={(e) => setTestPercent(e.target.value)} />
        </label>
        <label className="field">
          <span>Models (several: the family is searched too)</span>
          <select
            multiple
            size={FAMILY_NAMES.length}
            value={families}
            data-testid="family-select"
            onChange={(e) => setFamilies(Array.from(e.target.selectedOptions, (o) => o.value as FamilyName))}
          >
            {FAMILY_NAMES.map((name) => (
              <option key={name} value={name}>
                {FAMILY_LABELS[name]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Performance estimation</span>
          <select value={estimation} data-testid="estimation-select" onChange={(e) => setEstimation(e.target.value as EstimationName)}>
            {ESTIMATION_NAMES.map((name) => (
              <option key={name} value={name}>
                {ESTIMATION_LABELS[name]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Search strategy</span>
          <select value={strategy} data-testid="strategy-select" onChange={(e) => setStrategy(e.target.value as StrategyName)}>
            {STRATEGY_NAMES.map((name) => (
              <option key={name} value={name}>
                {STRATEGY_LABELS[name]}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Scheduler</span>
          <select value={scheduler} data-testid="scheduler-select" onChange={(e) => setScheduler(e.target.value as SchedulerName)}>
            {SCHEDULER_NAMES.map((name) => (
              <option key={name} value={name}>
                {SCHEDULER_LABELS[name]}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <span>Presets</span>
          <div style={{ display: "flex", gap: 6 }}>
            {PRESETS.map((p) => (
              <button
                key={p.name}
                type="button"
                className="btn btn-small"
                title={p.title}
                data-testid={`preset-${p.name.toLowerCase()}`}
                aria-pressed={strategy === p.strategy && scheduler === p.scheduler}
                onClick={() => {
                  setStrategy(p.strategy);
                  setScheduler(p.scheduler);
                }}
              >
                {p.name}
              </button>
            ))}
          </div>
        </div>
        <ValidationFields columns={detail.dataset.columns} label={label} columnTypes={columnTypes} value={validation} onChange={setValidation} />
      </div>
      <ConstraintFields value={constraints} onChange={setConstraints} />
      {label ? <LabelChecks label={label} report={report} /> : null}
      {Object.keys(columnTypes).length > 0 ? (
        <p className="small" data-testid="column-type-overrides" data-count={Object.keys(columnTypes).length}>
          Column types changed for this run:{" "}
          {Object.entries(columnTypes)
            .map(([name, type]) => `${name} → ${type}`)
            .join(", ")}{" "}
          (change them back in the column table below).
        </p>
      ) : null}
      <p className="muted small">Set a time budget, a number of trials, or both: the run stops at whichever comes first.</p>
      <ErrorMessage error={create.error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="start-run" disabled={create.isPending || !label}>
          {create.isPending ? "Starting…" : "Start run"}
        </button>
      </div>
    </form>
  );
}

/** The label's guardrails: imbalance and leakage warnings, or that there are none. */
function LabelChecks({ label, report }: { label: string; report: LabelReportState }) {
  if (report.error) return <ErrorMessage error={report.error} testId="label-checks-error" />;
  if (!report.data) {
    return (
      <p className="muted small" data-testid="label-checks" data-state="loading">
        Checking {label} for class imbalance and leakage…
      </p>
    );
  }
  const { warnings, problemType } = report.data;
  return (
    <div data-testid="label-checks" data-state="done" style={{ marginTop: 12 }}>
      {warnings.length > 0 ? (
        <WarningList warnings={warnings} testId="label-warning" />
      ) : (
        <p className="muted small">
          No {problemType === "regression" ? "" : "severe class imbalance or "}leakage suspect for {label}: no single column predicts it almost perfectly.
        </p>
      )}
    </div>
  );
}
