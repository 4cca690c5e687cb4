"use client";

import Link from "next/link";
import { useRef, useState, type DragEvent } from "react";
import { useUploadDataset } from "../queries/upload-dataset";
import { ErrorMessage } from "../ui/error-message";
import { formatBytes } from "../ui/format";

/** Drag-and-drop or pick a CSV; shows the upload's progress, then the profiling step, and any error inline. */
export function UploadArea({ maxUploadBytes }: { maxUploadBytes?: number }) {
  const upload = useUploadDataset();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState(0);
  const [dragging, setDragging] = useState(false);
  const [fileName, setFileName] = useState<string | null>(null);

  const send = (file: File | undefined) => {
    if (!file || upload.isPending) return;
    setFileName(file.name);
    setProgress(0);
    upload.mutate(
      { file, onProgress: setProgress },
      {
        onSettled: () => {
          if (input.current) input.current.value = "";
        },
      },
    );
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    send(e.dataTransfer.files[0]);
  };

  return (
    <section className="card">
      <h2>Upload a dataset</h2>
      <div
        className={`dropzone${dragging ? " dropzone-active" : ""}`}
        data-testid="upload-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-title">Drop a CSV file here</p>
        <p className="muted">
          or{" "}
          <label className="link-button">
            choose a file
            <input
              ref={input}
              type="file"
              accept=".csv,.tsv,.txt,text/csv"
              className="visually-hidden"
              data-testid="upload-input"
              disabled={upload.isPending}
              onChange={(e) => send(e.target.files?.[0])}
            />
          </label>
          {maxUploadBytes ? ` (up to ${formatBytes(maxUploadBytes)})` : null}
        </p>
        {upload.isPending ? (
          <div className="progress-block" data-testid="upload-progress">
            <div className="progress" aria-label="upload progress">
              <div className="progress-bar" style={{ width: `${Math.round(progress * 100)}%` }} />
            </div>
            <p className="muted">
              {progress < 1 ? `Uploading ${fileName ?? ""}… ${Math.round(progress * 100)}%` : `Profiling ${fileName ?? ""}…`}
            </p>
          </div>
        ) : null}
      </div>
      {upload.isSuccess && upload.data ? (
        <p className="notice" data-testid="upload-done">
          Uploaded <strong>{upload.data.name}</strong>: {upload.data.rowCount.toLocaleString("en-US")} rows, {upload.data.columnCount} columns.{" "}
          <Link href={`/datasets/${upload.data.id}`}>Open it to start a run →</Link>
        </p>
      ) : null}
      <ErrorMessage error={upload.error} />
    </section>
  );
}
