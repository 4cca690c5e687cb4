"use client";

import Link from "next/link";
import { useRef, useState, type DragEvent } from "react";
import type { UploadProgressDto } from "@/server/contracts/upload";
import { newUploadId, useUploadProgress } from "../queries/get-upload-progress";
import { useUploadDataset } from "../queries/upload-dataset";
import { ErrorMessage } from "../ui/error-message";
import { formatBytes } from "../ui/format";

/**
 * Drag-and-drop or pick a CSV; shows the upload's progress, then (polled from the server while the POST is open)
 * the parsing, profiling and saving steps, and any error inline.
 */
export function UploadArea({ maxUploadBytes }: { maxUploadBytes?: number }) {
  const upload = useUploadDataset();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState(0);
  const [uploadId, setUploadId] = useState<string | null>(null);
  // only once the bytes are up: before that the browser's own upload progress says more
  const server = useUploadProgress(uploadId, upload.isPending && progress >= 1);
  const [dragging, setDragging] = useState(false);
  const [fileName, setFileName] = useState<string | null>(null);

  const send = (file: File | undefined) => {
    if (!file || upload.isPending) return;
    setFileName(file.name);
    setProgress(0);
    const id = newUploadId();
    setUploadId(id);
    upload.mutate(
      { file, uploadId: id, onProgress: setProgress },
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
        {upload.isPending ? <UploadStatus sent={progress} server={server.data} fileName={fileName ?? ""} /> : null}
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

/** The progress bar and its line: the browser's upload progress while bytes go up, then the server's step. */
function UploadStatus({ sent, server, fileName }: { sent: number; server: UploadProgressDto | undefined; fileName: string }) {
  const { phase, fraction, text } = describeStep(sent, server, fileName);
  return (
    <div className="progress-block" data-testid="upload-progress">
      <div className="progress" aria-label="upload progress">
        <div className="progress-bar" style={{ width: `${Math.round(fraction * 100)}%` }} />
      </div>
      <p className="muted" data-testid="upload-step" data-phase={phase}>
        {text}
      </p>
    </div>
  );
}

const percent = (fraction: number) => `${Math.floor(fraction * 100)}%`;

function describeStep(sent: number, server: UploadProgressDto | undefined, fileName: string): { phase: string; fraction: number; text: string } {
  if (sent < 1) return { phase: "uploading", fraction: sent, text: `Uploading ${fileName}… ${percent(sent)}` };
  const counted = server?.bytes != null && server.total ? server.bytes / server.total : null;
  switch (server?.phase) {
    case "receiving":
      return { phase: "receiving", fraction: counted ?? 1, text: `Uploading ${fileName}… ${percent(counted ?? 1)}` };
    case "parsing":
      return counted === null
        ? { phase: "parsing", fraction: 0, text: "Parsing…" }
        : { phase: "parsing", fraction: counted, text: `Parsing… ${percent(counted)} (${formatBytes(server.bytes)} of ${formatBytes(server.total)})` };
    case "profiling":
      return { phase: "profiling", fraction: 1, text: "Profiling columns…" };
    case "saving":
      return { phase: "saving", fraction: 1, text: "Saving…" };
    default:
      // not polled yet, or done or failed: the POST's own answer is about to replace this line
      return { phase: "processing", fraction: 1, text: `Processing ${fileName}…` };
  }
}
