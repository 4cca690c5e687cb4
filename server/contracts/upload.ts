import { z } from "zod";

/**
 * The id a browser picks for its upload (header `x-upload-id`), so it can ask how the server is getting on with
 * the file while the POST is still open. Shared by the server and the UI.
 */
export const UploadId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "An upload id is 8 to 64 letters, digits, - or _.");
export type UploadId = z.infer<typeof UploadId>;

/** what the server is doing with the upload, in order; "done" and "failed" are final */
export const UploadPhase = z.enum(["receiving", "parsing", "profiling", "saving", "done", "failed"]);
export type UploadPhase = z.infer<typeof UploadPhase>;

/** GET /api/uploads/:id */
export const UploadProgressDto = z.object({
  id: UploadId,
  phase: UploadPhase,
  /** bytes received ("receiving") or parsed ("parsing"); null in the other phases */
  bytes: z.number().nullable(),
  /** the file's size when known (the declared Content-Length while receiving); null otherwise */
  total: z.number().nullable(),
});
export type UploadProgressDto = z.infer<typeof UploadProgressDto>;
