import { DataError } from "./data-error";

/** What the first bytes of a file tell before parsing: text or not, a BOM, the delimiter. */

export const SNIFF_BYTES = 8192;
/** how much of the head is checked for valid UTF-8 before choosing the encoding */
export const ENCODING_SNIFF_BYTES = 64 * 1024;
export const ENCODINGS = ["utf-8", "windows-1252"] as const;
export type Encoding = (typeof ENCODINGS)[number];
export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export function hasUtf8Bom(head: Uint8Array): boolean {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
}

/**
 * The text encoding of a file from its first bytes: UTF-8 (with or without a BOM) when they are valid UTF-8, else
 * Windows-1252 (the superset of ISO-8859-1 that Excel and most Western tools write). `complete` says the head is the
 * whole file; otherwise a multi-byte character cut at the end of the head is not counted as invalid.
 */
export function detectEncoding(head: Uint8Array, complete: boolean): Encoding {
  try {
    // fatal: throws on the first invalid sequence; stream: a character cut by the head's end waits for bytes never given
    new TextDecoder("utf-8", { fatal: true }).decode(head, { stream: !complete });
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

/** Throws when the head looks binary: any NUL byte, or over 10% control bytes or undecodable text. */
export function assertText(head: Uint8Array, encoding: Encoding = "utf-8"): void {
  if (head.includes(0)) throw binaryError();
  let control = 0;
  for (const b of head) if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) || b === 0x7f) control++;
  // every byte is a character in Windows-1252, so only UTF-8 can have undecodable text
  // (random bytes are still caught by their control bytes: about one in eight)
  if (encoding !== "utf-8") {
    if (control > head.length * 0.1) throw binaryError();
    return;
  }
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
