import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { DatasetDto } from "@/server/contracts/dataset";
import { ApiError } from "./api";
import { systemKey } from "./get-system";
import { datasetsKey } from "./list-datasets";

export interface UploadVars {
  file: File;
  /** sent as `x-upload-id`, so the page can poll GET /api/uploads/:id while the server parses */
  uploadId?: string;
  /** fraction sent, 0..1 */
  onProgress?(fraction: number): void;
}

/**
 * POST /api/datasets: the File itself is the body, so the browser streams it from disk (never read whole into
 * the page); XMLHttpRequest rather than fetch because only it reports upload progress.
 */
export function uploadDataset({ file, uploadId, onProgress }: UploadVars): Promise<DatasetDto> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/datasets");
    xhr.setRequestHeader("x-file-name", encodeURIComponent(file.name));
    xhr.setRequestHeader("Content-Type", "text/csv");
    if (uploadId) xhr.setRequestHeader("x-upload-id", uploadId);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // not JSON
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as DatasetDto);
      else {
        const message = body && typeof body === "object" && "error" in body ? String((body as { error: unknown }).error) : `The server answered ${xhr.status}.`;
        reject(new ApiError(message, xhr.status));
      }
    };
    xhr.onerror = () => reject(new ApiError("The upload failed: the studio server cannot be reached.", 0));
    xhr.send(file);
  });
}

export const useUploadDataset = () => {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: uploadDataset,
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: datasetsKey }), qc.invalidateQueries({ queryKey: systemKey })]),
  });
};
