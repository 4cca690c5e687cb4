"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Metric, ProblemType } from "@/server/contracts/dataset";
import type { DatasetDetailDto } from "@/server/contracts/dataset-api";
import { useCreateRun } from "../queries/create-run";
import { ErrorMessage } from "../ui/error-message";
import { METRIC_LABELS, PROBLEM_LABELS } from "../ui/format";

const PROBLEM_TYPES: ProblemType[] = ["binary", "multiclass", "regression"];

/**
 * The "new run" form: the label (its detected problem type shown, and overridable), the metric (the type's
 * default unless chosen), a time budget and/or a trial count, and the seed. Start goes to the run's page.
 */
export function NewRunForm({ detail }: { detail: DatasetDetailDto }) {
  const router = useRouter();
  const create = useCreateRun();
  const [label, setLabel] = useState(() => detail.labels[detail.labels.length - 1]?.name ?? "");
  const [override, setOverride] = useState<ProblemType | "">("");
  const [metric, setMetric] = useState<Metric | "">("");
  const [budgetMinutes, setBudgetMinutes] = useState("");
  const [maxTrials, setMaxTrials] = useState("10");
  const [seed, setSeed] = useState("0");

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
      },
      { onSuccess: (run) => router.push(`/runs/${run.id}`) },
    );
  };

  return (
    <form className="card form" onSubmit={submit} data-testid="new-run-form">
      <h2>New run</h2>
      <div className="form-grid">
        <label className="field">
          <span>Label (what to predict)</span>
          <select
            value={label}
            data-testid="label-select"
            onChange={(e) => {
              setLabel(e.target.value);
              setOverride("");
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
              setOverride(e.target.value as ProblemType | "");
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
      </div>
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
