/**
 * CSV text for downloads (predictions, exports). Cells are quoted when they hold a comma, quote or line break, and
 * text that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) gets a leading
 * single quote, so opening the file cannot execute anything. Plain numbers such as -3 are left alone.
 */
export type Cell = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function toCsv(header: string[], rows: Cell[][]): string {
  const lines = [header.map(escapeCell), ...rows.map((r) => r.map(escapeCell))];
  return lines.map((l) => l.join(",")).join("\n") + "\n";
}

export function escapeCell(cell: Cell): string {
  if (cell === null) return "";
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : "";
  let s = cell;
  if (FORMULA_START.test(s) && !PLAIN_NUMBER.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
