import { ApiErrorDto } from "@/server/contracts/dataset-api";

/** An API answer other than 2xx, with the server's message (already worded for the user). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** The message of an error response, or a generic one when the body is not `{ error }`. */
export async function errorFrom(res: Response): Promise<ApiError> {
  const text = await res.text().catch(() => "");
  let message = `The server answered ${res.status} ${res.statusText}.`;
  try {
    const parsed = ApiErrorDto.safeParse(JSON.parse(text));
    if (parsed.success) message = parsed.data.error;
  } catch {
    // not JSON
  }
  return new ApiError(message, res.status);
}

/** fetch for the studio's JSON API: throws ApiError with the server's message; 204 gives undefined. */
export async function apiFetch<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: "no-store", ...init });
  } catch {
    throw new ApiError("The studio server cannot be reached. Is it still running?", 0);
  }
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export const jsonBody = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify(body),
});

/** the message to show for any error a query or mutation throws */
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export const enc = encodeURIComponent;
