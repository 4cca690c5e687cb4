import { ZodError } from "zod";
import { DataError } from "../data/data-error";
import { TooLargeError } from "../storage/local-blob-store";

/** Something asked for does not exist (404). */
export class NotFoundError extends Error {
  constructor(what: string, message?: string) {
    super(message ?? `${what} was not found; it may have been deleted.`);
    this.name = "NotFoundError";
  }
}

/** The request is fine but the thing is in the wrong state for it (409), e.g. cancelling a finished run. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConflictError";
  }
}

/** The request itself is malformed (400). */
export class BadRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BadRequestError";
  }
}

/** the first few zod issues, in words */
export function zodMessage(err: ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => (i.path.length > 0 && i.code !== "custom" && !/^[A-Z]/.test(i.message) ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join(" ");
}

/** An HTTP status and a message safe to show, for any error a use case throws. */
export function describeError(err: unknown): { status: number; message: string } {
  if (err instanceof DataError || err instanceof BadRequestError) return { status: 400, message: err.message };
  if (err instanceof ZodError) return { status: 400, message: zodMessage(err) };
  if (err instanceof TooLargeError) return { status: 413, message: `The ${err.message}. Upload a smaller file, for example a sample of the rows.` };
  if (err instanceof NotFoundError) return { status: 404, message: err.message };
  if (err instanceof ConflictError) return { status: 409, message: err.message };
  return { status: 500, message: "Something went wrong on the server; the server log has the details." };
}

/** The JSON error response `{ error: message }`; unexpected errors are logged, never shown. */
export function errorResponse(err: unknown): Response {
  const { status, message } = describeError(err);
  if (status >= 500) console.error("[api]", err);
  return Response.json({ error: message }, { status, headers: { "Cache-Control": "no-store" } });
}

/** Runs a route's work and turns whatever it throws into an error response: the server never crashes on a request. */
export async function respond(work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (err) {
    return errorResponse(err);
  }
}

/** The request's JSON body; a clear 400 when it is not JSON. */
export async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequestError("The request body is not valid JSON.");
  }
}
