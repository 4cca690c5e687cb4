"use client";

import Link from "next/link";
import { metricDirection } from "@/server/contracts/run";
import { comparisonCsvUrl, useComparison } from "../queries/compare-candidates";
import { METRIC_LABELS, PROBLEM_LABELS } from "../ui/format";
import { PageFallback } from "../ui/page-fallback";
import { Architectures } from "./architectures";
import { CostTable } from "./cost-table";
import { CurvesOverlay } from "./curves-overlay";
import { DisagreementPanel } from "./disagreement-panel";
import { MetricsTable } from "./metrics-table";
import { keptOrDropped, SideBySideTable } from "./side-by-side-table";

/** Two to five candidates side by side, at its own URL (/compare?trials=id1,id2,...), so it can be shared and reloaded. */
export function ComparePage({ trialIds }: { trialIds: string[] }) {
  const { data, error, isPending } = useComparison(trialIds);
  if (isPending || !data) return <PageFallback error={isPending ? null : error} />;
  const { candidates } = data;
  const metric = METRIC_LABELS[data.metric] ?? data.metric;
  return (
    <main className="page" data-testid="compare-page">
      <nav className="crumbs">
        <Link href="/">Datasets</Link> / <Link href={`/datasets/${encodeURIComponent(data.datasetId)}`}>{data.datasetName ?? "dataset"}</Link> / comparison
      </nav>
      <div className="page-title">
        <h1>
          Comparing {candidates.length} candidates <span className="muted small">predicting {data.label} ({PROBLEM_LABELS[data.problemType]})</span>
        </h1>
        <a className="btn" href={comparisonCsvUrl(trialIds)} download data-testid="compare-csv">
          Download CSV
        </a>
      </div>
      {data.validation.map((v) => (
        <p key={v} className="muted small">
          Validation: {v}
        </p>
      ))}
      <section className="card" aria-labelledby="compare-scores">
        <h2 id="compare-scores">Scores</h2>
        <MetricsTable comparison={data} />
      </section>
      <section className="card" aria-labelledby="compare-cost">
        <h2 id="compare-cost">Size, training time and latency</h2>
        <CostTable candidates={candidates} />
      </section>
      <section className="card" aria-labelledby="compare-params-title">
        <h2 id="compare-params-title">Hyperparameters</h2>
        <SideBySideTable rows={data.params} candidates={candidates} first="hyperparameter" testId="compare-params" />
      </section>
      <section className="card" aria-labelledby="compare-curves-title">
        <h2 id="compare-curves-title">Learning curves</h2>
        <CurvesOverlay candidates={candidates} metricLabel={metric} greaterIsBetter={metricDirection(data.metric) === "max"} />
      </section>
      <section className="card" aria-labelledby="compare-features-title">
        <h2 id="compare-features-title">Selected features</h2>
        <p className="muted small">
          — marks a model input the candidate does not have (its preprocessing made other inputs)
          {candidates.some((c) => c.features === null) ? `, or a candidate with no feature selection of its own (${candidates.filter((c) => c.features === null).map((c) => c.title).join(", ")}: an ensemble's members each keep theirs)` : ""}.
        </p>
        <SideBySideTable rows={data.features} candidates={candidates} first="model input" testId="compare-features" format={keptOrDropped} />
      </section>
      {candidates.some((c) => c.architecture !== null) ? (
        <section className="card" aria-labelledby="compare-arch-title">
          <h2 id="compare-arch-title">Architectures</h2>
          <Architectures candidates={candidates} />
        </section>
      ) : null}
      <section className="card" aria-labelledby="compare-disagree-title">
        <h2 id="compare-disagree-title">Where their predictions disagree</h2>
        <DisagreementPanel comparison={data} />
      </section>
    </main>
  );
}
