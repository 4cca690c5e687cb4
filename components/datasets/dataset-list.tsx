"use client";

import Link from "next/link";
import { useDatasets } from "../queries/list-datasets";
import { useDeleteDataset } from "../queries/delete-dataset";
import { ConfirmButton } from "../ui/confirm-button";
import { ErrorMessage } from "../ui/error-message";
import { DateText } from "../ui/date-text";
import { formatBytes, formatCount } from "../ui/format";
import { UploadArea } from "./upload-area";

/** The home page: upload, and every dataset with its size, rows and columns. */
export function DatasetsPage() {
  const { data, error, isPending } = useDatasets();
  const del = useDeleteDataset();
  return (
    <main className="page">
      <div className="page-title">
        <h1>Datasets</h1>
        <span className="muted" data-testid="data-dir-size">
          data directory: {data ? formatBytes(data.dataDirBytes) : "…"}
        </span>
      </div>
      <UploadArea maxUploadBytes={data?.maxUploadBytes} />
      <section className="card">
        <h2>Your datasets</h2>
        <ErrorMessage error={error ?? del.error} />
        {isPending ? <p className="muted">Loading…</p> : null}
        {data && data.datasets.length === 0 ? <p className="muted" data-testid="no-datasets">No datasets yet: upload a CSV above to start.</p> : null}
        {data && data.datasets.length > 0 ? (
          <table className="table" data-testid="dataset-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Rows</th>
                <th className="num">Columns</th>
                <th className="num">Size</th>
                <th>Uploaded</th>
                <th aria-label="actions" />
              </tr>
            </thead>
            <tbody>
              {data.datasets.map((d) => (
                <tr key={d.id} data-testid="dataset-row" data-dataset-id={d.id}>
                  <td>
                    <Link href={`/datasets/${d.id}`} data-testid="dataset-link">
                      {d.name}
                    </Link>
                  </td>
                  <td className="num">{formatCount(d.rowCount)}</td>
                  <td className="num">{formatCount(d.columnCount)}</td>
                  <td className="num">{formatBytes(d.sizeBytes)}</td>
                  <td><DateText iso={d.createdAt} /></td>
                  <td className="actions">
                    <ConfirmButton
                      small
                      label="Delete"
                      question={`Delete ${d.name} and its runs?`}
                      testId="delete-dataset"
                      disabled={del.isPending && del.variables === d.id}
                      onConfirm={() => del.mutate(d.id)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
    </main>
  );
}
