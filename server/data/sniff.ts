import { DataError } from "./data-error";

/** What the first bytes of a file tell before parsing: text or not, a BOM, the delimiter. */

export const SNIFF_BYTES = 8192;
export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export function hasUtf8Bom(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/** Throws when the head looks binary: any NUL byte, or over 10% control bytes or undecodable text. */
export function assertText(head: Uint8Array): void {
  if (head.includes(0)) throw binaryError();
  let control = 0;
  for (const b of head) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) control++;
  const text = new TextDecoder("utf-8").decode(head);
  let invalid = 0;
  for (const ch of text) if (ch === "\uFFFD") invalid++;
  // the last character may be cut in half by the 8 KB boundary, hence the small allowance
  if (control > head.length * 0.1 || invalid > Math.max(4, text.length * 0.1)) throw binaryError();
}

function binaryError(): DataError {
  return new DataError(
    "This file is not a text CSV (it contains binary data). Export the data as CSV (comma, semicolon or tab separated text) and upload that file.",
  );
}

/**
 * The delimiter that splits the first lines into the same, largest number of fields. Quoted text is skipped,
 * so a comma inside "a, b" does not count.
 */
export function detectDelimiter(headText: string, truncated: boolean): Delimiter {
  let lines = headText.split(/\r\n|\n|\r/);
  if (truncated && lines.length > 1) lines.pop(); // the last line may be cut by the sniff window
  lines = lines.filter((l) => l.trim() !== "").slice(0, 20);
  if (lines.length === 0) return ",";
  let best: Delimiter = ",";
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = lines.map((l) => countOutsideQuotes(l, d));
    const first = counts[0];
    if (first === 0) continue;
    const agreeing = counts.filter((c) => c === first).length / counts.length;
    // consistency first (a delimiter that also splits prose in one line loses), then more fields
    const score = agreeing * 1000 + first;
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

function countOutsideQuotes(line: string, d: string): number {
  let n = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === d && !quoted) n++;
  }
  return n;
}
