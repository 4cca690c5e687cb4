/**
 * How one CSV cell is read: numbers, booleans and dates. Shared by the parser (training and prediction files)
 * and by preprocessing (a prediction file whose column came out as strings), so both read cells the same way.
 */

export const DEFAULT_MISSING_TOKENS = ["", "NA", "N/A", "null", "NULL", "NaN", "?", "-"];

// Plain decimal numbers only: [+-], digits, an optional fraction, an optional exponent. A leading zero before a digit
// ("007", "02134") is kept as text: such cells are codes (zip codes, ids) whose zeros matter, and reading them as
// numbers would lose them.
const DIGIT_0 = 48;
const DIGIT_9 = 57;
/** the most digits whose value is exact in a double (< 2^53) */
const EXACT_DIGITS = 15;
// parsed from text, which is exact, rather than computed with ** (pow may be off by an ulp)
const POW10 = Array.from({ length: EXACT_DIGITS + 1 }, (_, i) => Number(`1e${i}`));

// -1 past the end: reading past a string's end makes V8 leave its fast path for charCodeAt
const charAt = (text: string, i: number) => (i < text.length ? text.charCodeAt(i) : -1);

/**
 * The cell as a finite number, or null when it is not a plain number. This runs on every cell of every numeric column,
 * so it scans the characters once instead of matching regular expressions; with at most 15 digits and no exponent the
 * value is digits / 10^fraction, one division of two exact doubles, which IEEE rounds exactly as Number(text) does
 * (Clinger's fast path). Longer numbers and exponents, once checked, go to Number.
 */
export function parseNumber(text: string): number | null {
  const end = text.length;
  let i = 0;
  let c = charAt(text, 0);
  const negative = c === 45;
  if (negative || c === 43) c = charAt(text, ++i);
  let mantissa = 0;
  const intStart = i;
  while (c >= DIGIT_0 && c <= DIGIT_9) {
    mantissa = mantissa * 10 + (c - DIGIT_0);
    c = charAt(text, ++i);
  }
  const intDigits = i - intStart;
  if (intDigits > 1 && text.charCodeAt(intStart) === DIGIT_0) return null;
  let fractionDigits = 0;
  if (c === 46) {
    c = charAt(text, ++i);
    while (c >= DIGIT_0 && c <= DIGIT_9) {
      mantissa = mantissa * 10 + (c - DIGIT_0);
      fractionDigits++;
      c = charAt(text, ++i);
    }
    if (fractionDigits === 0) return null;
  }
  const digits = intDigits + fractionDigits;
  if (digits === 0) return null;
  let exponent = false;
  if (c === 101 || c === 69) {
    c = charAt(text, ++i);
    if (c === 43 || c === 45) c = charAt(text, ++i);
    const expStart = i;
    while (c >= DIGIT_0 && c <= DIGIT_9) c = charAt(text, ++i);
    if (i === expStart) return null;
    exponent = true;
  }
  if (i !== end) return null;
  if (exponent || digits > EXACT_DIGITS) {
    const v = Number(text);
    return Number.isFinite(v) ? v : null;
  }
  const v = fractionDigits === 0 ? mantissa : mantissa / POW10[fractionDigits];
  return negative ? -v : v;
}

const TRUE_TOKENS = new Set(["true", "yes", "t", "y"]);
const FALSE_TOKENS = new Set(["false", "no", "f", "n"]);

/** 1 / 0 for a boolean word (true/false, yes/no, t/f, y/n, any case), null otherwise; 0 and 1 are numbers, not words */
export function parseBoolean(text: string): 0 | 1 | null {
  const t = text.toLowerCase();
  if (TRUE_TOKENS.has(t)) return 1;
  if (FALSE_TOKENS.has(t)) return 0;
  return null;
}

export const DateFormat = ["iso", "ymd-slash", "dmy", "mdy"] as const;
export type DateFormat = (typeof DateFormat)[number];

const TIME = String.raw`(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?`;
const ZONE = String.raw`(Z|[+-]\d{2}:?\d{2})?`;
const ISO_RE = new RegExp(String.raw`^(\d{4})-(\d{1,2})-(\d{1,2})${TIME}${ZONE}$`);
const YMD_SLASH_RE = new RegExp(String.raw`^(\d{4})/(\d{1,2})/(\d{1,2})${TIME}$`);
const YEAR_LAST_RE = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`);

/**
 * Milliseconds since the epoch for a date in the given format, or null. Dates without a zone are read as UTC so that
 * features (hour, weekday) do not depend on the server's time zone.
 */
export function parseDate(text: string, format: DateFormat): number | null {
  let m: RegExpExecArray | null;
  let y: number, mo: number, d: number;
  let zone: string | undefined;
  if (format === "iso" || format === "ymd-slash") {
    m = (format === "iso" ? ISO_RE : YMD_SLASH_RE).exec(text);
    if (!m) return null;
    [y, mo, d] = [+m[1], +m[2], +m[3]];
    zone = format === "iso" ? m[8] : undefined;
  } else {
    m = YEAR_LAST_RE.exec(text);
    if (!m) return null;
    y = +m[3];
    [d, mo] = format === "dmy" ? [+m[1], +m[2]] : [+m[2], +m[1]];
  }
  const [h, mi, s] = [m[4], m[5], m[6]].map((p) => (p === undefined ? 0 : +p));
  // fraction digits: ".5" is 500 ms
  const ms = m[7] === undefined ? 0 : +m[7].padEnd(3, "0");
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  let t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const check = new Date(t);
  // rejects 31/02 and the like, which Date.UTC silently rolls over into the next month
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null;
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    t -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
  }
  return t;
}

/**
 * The one format in which every value is a date, or null. Day/month order is decided by the data: a first part
 * above 12 means day first, a second part above 12 means month first; when every value fits both, month first
 * (the order of most published datasets) is assumed.
 */
export function detectDateFormat(values: Iterable<string>): DateFormat | null {
  const list = Array.isArray(values) ? (values as string[]) : Array.from(values);
  if (list.length === 0) return null;
  const order: DateFormat[] = ["iso", "ymd-slash", "mdy", "dmy"];
  for (const format of order) {
    if (list.every((v) => parseDate(v, format) !== null)) return format;
  }
  return null;
}

/** The format that reads the most values as dates (a column with a few bad cells), or null when none reads any. */
export function mostLikelyDateFormat(values: string[]): DateFormat | null {
  let best: DateFormat | null = null;
  let bestCount = 0;
  for (const format of ["iso", "ymd-slash", "mdy", "dmy"] as const) {
    const n = values.filter((v) => parseDate(v, format) !== null).length;
    if (n > bestCount) [best, bestCount] = [format, n];
  }
  return best;
}
