import { useQuery } from "@tanstack/react-query";
import type { UploadProgressDto } from "@/server/contracts/upload";
import { apiFetch, enc } from "./api";

/** GET /api/uploads/:id: what the server is doing with an upload whose POST is still open */
export const uploadProgressKey = (id: string) => ["uploads", id] as const;
export const fetchUploadProgress = (id: string) => apiFetch<UploadProgressDto>(`/api/uploads/${enc(id)}`);

/** polled while `enabled` (the bytes are up and the POST has not answered yet) */
export const useUploadProgress = (id: string | null, enabled: boolean) =>
  useQuery({
    queryKey: uploadProgressKey(id ?? ""),
    queryFn: () => fetchUploadProgress(id ?? ""),
    enabled: enabled && id !== null,
    refetchInterval: 400,
    // a missed poll is harmless: the next one comes 400 ms later, and the POST's own answer ends it all
    retry: false,
    // each upload has its own id, so an old upload's progress is never wanted again
    gcTime: 0,
  });

/**
 * A fresh upload id (URL-safe, 32 characters) for `x-upload-id`. From getRandomValues, not randomUUID: the studio
 * may be opened over plain http on a LAN address, which is not a secure context, and randomUUID exists only there.
 */
export function newUploadId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
