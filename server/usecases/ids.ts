import { randomUUID } from "node:crypto";

/** A short random id (12 hex characters, 48 bits): readable in URLs and folder names. */
export const shortId = (): string => randomUUID().replace(/-/g, "").slice(0, 12);
