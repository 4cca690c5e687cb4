"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ColumnType } from "@/server/contracts/dataset";
import type { DatasetDetailDto } from "@/server/contracts/dataset-api";
import { datasetNotebookUrl } from "../queries/dataset-notebook";
import { useDataset } from "../queries/get-dataset";
import { useDeleteDataset } from "../queries/delete-dataset";
import { useLabelReport } from "../queries/label-report";
import { ConfirmButton } from "../ui/confirm-button";
import { ErrorMessage } from "../ui/error-message";
import { PageFallback } from "../ui/page-fallback";
import { DateText } from "../ui/date-text";
import { formatBytes, formatCount } from "../ui/format";
import { ColumnTable } from "./column-table";
import { defaultLabelChoice, NewRunForm, type LabelChoice } from "./new-run-form";
import { labelChoiceOf } from "./run-form-values";
import { RunTable } from "./run-table";
import { WarningList } from "./warning-list";

/**
 * One dataset: counts, its data checks (guardrail warnings), the new-run form (with the chosen label's checks), the
 * dataset's runs and the column profiles (with each column's association with the chosen label). With `cloneId` (the
 * URL's ?clone=) the form starts from that run's settings.
 */
export function DatasetPage({ id, cloneId = null }: { id: string; cloneId?: string | null }) {
  const { data, error, isPending } = useDataset(id);
  if (isPending || !data) return <PageFallback error={isPending ? null : error} />;
  // keyed by the clone too: the form's state starts over when another run is cloned
  return <DatasetView key={`${data.dataset.id}:${cloneId ?? ""}`} data={data} cloneId={cloneId} />;
}

function DatasetView({ data, cloneId }: { data: DatasetDetailDto; cloneId: string | null }) {
  const del = useDeleteDataset();
  const router = useRouter();
  const { dataset, runs, warnings } = data;
  const clone = cloneId ? (runs.find((r) => r.id === cloneId) ?? null) : null;
  const [choice, setChoice] = useState<LabelChoice>(() => (clone ? labelChoiceOf(clone, data) : defaultLabelChoice(data)));
  const report = useLabelReport(dataset.id, choice.label || null, choice.override || null);
  // the column types the user changed for the next run (only those; a type set back to the inferred one is removed)
  const [columnTypes, setColumnTypes] = useState<Record<string, ColumnType>>(() => clone?.columnTypes ?? {});
  const changeColumnType = (column: string, type: ColumnType | null) =>
    setColumnTypes((current) => {
      const { [column]: _previous, ...rest } = current;
      return type === null ? rest : { ...rest, [column]: type };
    });
  return (
    <main className="page">
      <nav className="crumbs">
        <Link href="/">Datasets</Link> / <span>{dataset.name}</span>
      </nav>
      <div className="page-title">
        <h1 data-testid="dataset-name">{dataset.name}</h1>
        <ConfirmButton label="Delete dataset" question="Delete this dataset and all its runs?" testId="delete-dataset" onConfirm={() => del.mutate(dataset.id, { onSuccess: () => router.push("/") })} />
      </div>
      <div className="stats">
        <div className="stat">
          <span className="stat-label">Rows</span>
          <span className="stat-value" data-testid="dataset-rows">{formatCount(dataset.rowCount)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Columns</span>
          <span className="stat-value" data-testid="dataset-cols">{formatCount(dataset.columnCount)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Size</span>
          <span className="stat-value">{formatBytes(dataset.sizeBytes)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Uploaded</span>
          <span className="stat-value small"><DateText iso={dataset.createdAt} /></span>
        </div>
      </div>
      <ErrorMessage error={del.error} />
      <section className="card" data-testid="dataset-warnings" data-count={warnings.length}>
        <h2>Data checks</h2>
        {warnings.length > 0 ? (
          <WarningList warnings={warnings} testId="dataset-warning" />
        ) : (
          <p className="muted small">No identifier or constant columns, no duplicated rows, no column mostly missing.</p>
        )}
        <p className="small" style={{ marginTop: 8, marginBottom: 0 }}>
          <a href={datasetNotebookUrl(dataset.id, choice.label || null, choice.override || null)} download data-testid="download-dataset-notebook">
            Download exploration notebook (.ipynb)
          </a>{" "}
          <span className="muted">
            statistics, distributions and these checks, recomputed with pandas{choice.label ? `, with the balance of ${choice.label}` : ""}
          </span>
        </p>
      </section>
      {cloneId && !clone ? (
        <div className="alert alert-warning" role="alert" data-testid="clone-missing">
          Run {cloneId} is not one of this dataset&apos;s runs (it may have been deleted): the form starts from the defaults.
        </div>
      ) : null}
      <NewRunForm detail={data} choice={choice} onChoice={setChoice} report={report} columnTypes={columnTypes} clone={clone} />
      {runs.length > 0 ? <RunTable runs={runs} /> : null}
      <section className="card">
        <h2>Columns</h2>
        <ColumnTable
          columns={dataset.columns}
          rowCount={dataset.rowCount}
          label={choice.label ? { label: choice.label, associations: report.data?.associations ?? (report.error ? [] : null) } : null}
          overrides={{ types: columnTypes, onChange: changeColumnType }}
        />
      </section>
    </main>
  );
}
