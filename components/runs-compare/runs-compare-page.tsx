"use client";

import Link from "next/link";
import { useCompareRuns } from "../queries/compare-runs";
import { PageFallback } from "../ui/page-fallback";
import { BestCandidates } from "./best-candidates";
import { ProgressChart } from "./progress-chart";
import { ProgressTable } from "./progress-table";
import { SettingsTable } from "./settings-table";

/** Runs of one dataset side by side: settings, outcome, best candidates and search progress. The URL is shareable. */
export function RunsComparePage({ runIds }: { runIds: string }) {
  const { data, error, isPending } = useCompareRuns(runIds);
  if (isPending || !data) return <PageFallback error={isPending ? null : error} />;
  const metrics = new Set(data.runs.map((r) => r.run.metric));
  return (
    <main className="page" data-testid="runs-compare">
      <nav className="crumbs">
        <Link href="/">Datasets</Link> / <Link href={`/datasets/${data.datasetId}`}>{data.datasetName ?? data.datasetId}</Link> / <span>Compare runs</span>
      </nav>
      <h1>Compare {data.runs.length} runs</h1>
      <section className="card">
        <h2>Settings and outcome</h2>
        <p className="muted small">Highlighted rows are the settings that differ between the runs.</p>
        <SettingsTable runs={data.runs} settings={data.settings} />
      </section>
      <section className="card">
        <h2>Best candidates</h2>
        <BestCandidates runs={data.runs} />
      </section>
      <section className="card">
        <h2>Search progress</h2>
        <p className="muted small">
          Best validation score so far against time since each run started
          {metrics.size > 1 ? ": the runs use different metrics, so their lines are not on one scale." : "."}
        </p>
        <ProgressChart runs={data.runs} />
        <ProgressTable runs={data.runs} />
      </section>
    </main>
  );
}
