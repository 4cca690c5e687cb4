"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { ENSEMBLE_FAMILY, hasScore, isRunActive, type RunDto } from "@/server/contracts/run";
import { LearningCurve } from "../charts/learning-curve";
import { useCancelRun } from "../queries/cancel-run";
import { useDeleteRun } from "../queries/delete-run";
import { archiveUrl, leaderboardCsvUrl, useRun } from "../queries/get-run";
import { runReportUrl } from "../queries/run-report";
import { useTrialCurve } from "../queries/get-trial-curve";
import { useTrialFeatures } from "../queries/get-trial-features";
import { useTrialArchitecture } from "../queries/get-trial-architecture";
import { ArchitectureDiagram } from "../charts/architecture-diagram";
import { useRunEvents } from "../queries/run-events";
import { useTrialPage, type LeaderboardView } from "../queries/list-trials";
import { ConfirmButton } from "../ui/confirm-button";
import { ErrorMessage } from "../ui/error-message";
import { PageFallback } from "../ui/page-fallback";
import { formatScore, formatSeconds, METRIC_LABELS, PROBLEM_LABELS } from "../ui/format";
import { StatusBadge } from "../ui/status-badge";
import { CandidateDownloads } from "./candidate-downloads";
import { CloneRunLink } from "./clone-run-link";
import { CandidateExplanations } from "./candidate-explanations";
import { ContinueForm } from "./continue-form";
import { DeployPanel } from "./deploy-panel";
import { FeaturePanel } from "./feature-panel";
import { Leaderboard } from "./leaderboard";
import { PredictBox } from "./predict-box";
import { RunInsight } from "./run-insight";

/** the first running candidate, selected while the run has no best one */
const RUNNING_VIEW: LeaderboardView = { status: ["running"], sort: "number", limit: 1 };

/** A run: status and timing, the live leaderboard, the selected candidate's learning curves, actions, predictions. */
export function RunPage({ id }: { id: string }) {
  const [live, setLive] = useState(true);
  const { data, error, isPending } = useRun(id, { live });
  const active = data ? isRunActive(data.run.status) : false;
  const connected = useRunEvents(id, active);
  useEffect(() => setLive(connected || !active), [connected, active]);
  // ?candidate=ID opens the page on that candidate (links from comparisons)
  const [selected, setSelected] = useState<string | null>(useSearchParams().get("candidate"));
  const cancel = useCancelRun(id);
  const del = useDeleteRun();
  const router = useRouter();

  // without a best candidate yet, the first running one (its learning curve grows live)
  const running = useTrialPage(id, RUNNING_VIEW, { poll: active && !live, enabled: !!data && !data.run.bestTrialId });
  const selectedId = selected ?? data?.run.bestTrialId ?? running.data?.trials[0]?.id ?? null;
  // the selected candidate may be on no page of the leaderboard shown (another page, filtered out): read it by id
  const lookup = useTrialPage(id, { ids: selectedId ? [selectedId] : [] }, { poll: active && !live, enabled: selectedId !== null && selectedId !== data?.best?.id });
  const selectedTrial = [data?.best, lookup.data?.trials[0], running.data?.trials[0]].find((t) => t && t.id === selectedId) ?? null;
  const curve = useTrialCurve(selectedId);
  const selectedFinished = selectedTrial !== null && hasScore(selectedTrial);
  const features = useTrialFeatures(selectedId, selectedFinished);
  // a NAS candidate's archive holds its architecture once it has finished (also when its curve stopped it early)
  const selectedNasFinished = selectedTrial !== null && selectedTrial.family === "nas" && ["done", "stopped", "pruned"].includes(selectedTrial.status);
  const architecture = useTrialArchitecture(selectedId, selectedNasFinished);

  if (isPending || !data) return <PageFallback error={isPending ? null : error} />;
  const { run, best } = data;
  const metric = METRIC_LABELS[run.metric] ?? run.metric;
  const finished = run.status === "completed" || run.status === "cancelled";
  const budget = [run.maxTrials !== null ? `${run.maxTrials} trials` : null, run.budgetSeconds !== null ? formatSeconds(run.budgetSeconds) : null].filter(Boolean).join(" or ");

  return (
    <main className="page">
      <nav className="crumbs">
        <Link href="/">Datasets</Link> / <Link href={`/datasets/${run.datasetId}`}>{run.datasetName ?? "dataset"}</Link> / <span className="mono">run {run.id}</span>
      </nav>
      <div className="page-title">
        <h1>
          Predict <span className="mono">{run.label}</span>
        </h1>
        <StatusBadge status={run.status} testId="run-status" />
      </div>
      {run.error ? (
        <div className="alert" role="alert" data-testid="run-error">
          {run.error}
        </div>
      ) : null}
      <div className="stats">
        <Stat label="Problem" value={PROBLEM_LABELS[run.problemType] ?? run.problemType} />
        <Stat label="Metric" value={`${metric} (${run.direction === "min" ? "lower" : "higher"} is better)`} />
        <Stat label="Backend" value={run.backend ?? "not started yet"} testId="run-backend" />
        <Stat label="Budget" value={budget || "—"} />
        <Stat label="Elapsed" value={formatSeconds(run.elapsedSeconds)} testId="run-elapsed" />
        <Stat label="Time left (est.)" value={active ? formatSeconds(run.estimatedSecondsLeft) : "—"} testId="run-eta" />
        <Stat label="Candidates" value={String(run.trialCount)} testId="run-trial-count" />
        <Stat label={`Best validation ${metric}`} value={formatScore(run.bestValScore)} testId="best-val-score" />
        <Stat label={`Best test ${metric}`} value={formatScore(run.bestTestScore)} testId="best-test-score" />
        <Stat label="Strategy" value={run.strategy} testId="run-strategy" />
        <Stat label="Scheduler" value={run.scheduler} testId="run-scheduler" />
        <Stat label="Models" value={run.families.join(", ")} testId="run-family" />
        <Stat label="Estimation" value={run.estimation} testId="run-estimation" />
        <Stat label="Validation" value={validationLabel(run)} testId="run-validation" />
        {run.fidelityCheck ? <Stat label="Low vs full fidelity rank correlation" value={fidelityLabel(run.fidelityCheck)} testId="fidelity-spearman" /> : null}
      </div>
      {run.fidelityCheck?.warning ? (
        <div className="alert alert-warning" role="status" data-testid="fidelity-warning">
          {run.fidelityCheck.warning}
        </div>
      ) : null}
      {run.overfitWarning ? (
        <div className="alert alert-warning" role="status" data-testid="overfit-warning">
          {run.overfitWarning}
        </div>
      ) : null}

      <div className="toolbar">
        {active ? (
          <button type="button" className="btn" data-testid="cancel-run" disabled={cancel.isPending || run.status === "cancelling"} onClick={() => cancel.mutate()}>
            {run.status === "cancelling" ? "Cancelling…" : "Cancel run"}
          </button>
        ) : null}
        <CloneRunLink run={run} className="btn" />
        <a className="btn" href={leaderboardCsvUrl(run.id)} download data-testid="download-leaderboard">
          Download leaderboard CSV
        </a>
        <a className="btn" href={runReportUrl(run.id)} download data-testid="download-run-report">
          Download run report (.ipynb)
        </a>
        {run.bestTrialId ? (
          <a className="btn btn-primary" href={archiveUrl(run.bestTrialId)} download data-testid="download-best">
            Download best model
          </a>
        ) : null}
        <span className="spacer" />
        <ConfirmButton
          label="Delete run"
          question="Delete this run and its models?"
          testId="delete-run"
          onConfirm={() => del.mutate(run.id, { onSuccess: () => router.push(`/datasets/${run.datasetId}`) })}
        />
      </div>
      <ErrorMessage error={cancel.error ?? del.error} />
      {finished ? <ContinueForm runId={run.id} /> : null}

      <section className="card">
        <div className="card-title">
          <h2>Leaderboard</h2>
          {active ? <span className={`live${connected ? " live-on" : ""}`}>{connected ? "live" : "polling"}</span> : null}
        </div>
        <Leaderboard run={run} poll={active && !live} selectedId={selectedId} onSelect={setSelected} />
      </section>

      <RunInsight runId={run.id} active={active} metricLabel={metric} direction={run.direction} onSelect={setSelected} />

      {selectedTrial ? (
        <section className="card" data-testid="learning-curve">
          <h2>
            Candidate #{selectedTrial.number} <span className="muted small">{selectedTrial.family} · {selectedTrial.status}</span>
          </h2>
          {selectedTrial.reason ? (
            <p className="muted small" data-testid="trial-reason">
              {selectedTrial.reason}
            </p>
          ) : null}
          <ErrorMessage error={curve.error} />
          {selectedTrial.family === ENSEMBLE_FAMILY ? null : curve.data?.trialId === selectedTrial.id ? (
            <LearningCurve points={curve.data.points} metricLabel={metric} forecast={curve.data.forecast} />
          ) : curve.isPending ? (
            <p className="muted">Loading the learning curve…</p>
          ) : null}
          {selectedTrial.parentNumber !== null || selectedTrial.lowFidelityScore !== null ? (
            <p className="muted small" data-testid="trial-estimation">
              {selectedTrial.parentNumber !== null ? `Started from candidate #${selectedTrial.parentNumber}'s trained weights. ` : ""}
              {selectedTrial.lowFidelityScore !== null ? `Lower-fidelity ${metric}: ${formatScore(selectedTrial.lowFidelityScore)}.` : ""}
            </p>
          ) : null}
          {selectedFinished ? <CandidateDownloads trialId={selectedTrial.id} number={selectedTrial.number} /> : null}
          <DeployPanel trialId={selectedTrial.id} finished={selectedFinished} />
          {architecture.data && selectedNasFinished ? <ArchitectureDiagram diagram={architecture.data} /> : null}
          {features.data?.trialId === selectedTrial.id ? <FeaturePanel features={features.data} /> : null}
          <CandidateExplanations key={selectedTrial.id} trialId={selectedTrial.id} poll={active} />
        </section>
      ) : null}

      <PredictBox runId={run.id} best={best} poll={active && !live} />
    </main>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value" data-testid={testId}>
        {value}
      </span>
    </div>
  );
}

/** Spearman's rho between cheap and full scores, and over how many candidates */
function fidelityLabel(check: NonNullable<RunDto["fidelityCheck"]>): string {
  return check.spearman === null ? `not yet (${check.pairs} candidate${check.pairs === 1 ? "" : "s"} trained both ways)` : `ρ = ${check.spearman.toFixed(2)} over ${check.pairs} candidates`;
}

/** How the run validates candidates: the resolved plan once started, else what was asked. */
function validationLabel(run: RunDto): string {
  const split = run.groupColumn ? ` · groups: ${run.groupColumn}` : run.timeColumn ? ` · in time order: ${run.timeColumn}` : "";
  // a cross-validated candidate deploys its fold models (bag) or one refit model; a holdout one is always refit
  const final = run.finalModel === "bag" ? " · bagged fold models" : " · refit on all rows";
  if (run.validationPlan) return `${run.validationPlan.kind === "cv" ? `${run.validationPlan.folds}-fold cross-validation${final}` : "holdout"}${split}`;
  return `${run.validation}${split}`;
}
