/**
 * Python literals for generated code. Everything that comes from a CSV (column names, category values, labels) lands in
 * a notebook only through these: a string becomes a double-quoted literal whose every character outside printable
 * ASCII is escaped, so no quote, backslash, newline or unicode trick can end the literal or start code.
 */

/** a Python str literal for any JavaScript string (lone surrogates included) */
export function pyStr(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else if (code <= 0xff) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += `\\U${code.toString(16).padStart(8, "0")}`;
  }
  return `${out}"`;
}

/** a Python float or int literal; NaN and infinities as float("nan") / float("inf") */
export function pyNumber(v: number): string {
  if (Number.isNaN(v)) return 'float("nan")';
  if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
  // JavaScript's shortest round-trip form is also a valid Python literal that reads back to the same double
  return String(v);
}

export type PyValue = string | number | boolean | null | undefined | readonly PyValue[] | { readonly [key: string]: PyValue };

/** a Python literal (None, True/False, numbers, str, list, dict) for JSON-like data; undefined values in objects are left out */
export function pyLiteral(value: PyValue): string {
  if (value === null || value === undefined) return "None";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return pyNumber(value);
  if (typeof value === "string") return pyStr(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyLiteral(v)).join(", ")}]`;
  const entries = Object.entries(value as Record<string, PyValue>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pyStr(k)}: ${pyLiteral(v)}`).join(", ")}}`;
}
