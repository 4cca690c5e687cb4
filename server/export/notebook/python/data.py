import codecs
import csv
import io
import math
import re
import unicodedata
from datetime import date

import numpy as np
import pandas as pd

# How the studio reads a CSV: every cell is text first (trimmed; the tokens below mean "missing"); each column is then
# stored as numbers, as dates or as strings, decided on all of its cells; and each preprocessing step reads the column
# it needs as numbers, dates, yes/no values or category strings. The functions below repeat those rules exactly, so the
# model input built here equals the studio's bit for bit: values are computed in float64 and cast to float32 once,
# as the studio writes doubles into a float32 matrix.

MISSING_TOKENS = frozenset(["", "NA", "N/A", "null", "NULL", "NaN", "?", "-"])
DELIMITERS = (",", ";", "\t", "|")
DATE_FORMATS = ("iso", "ymd-slash", "mdy", "dmy")

# JavaScript's trim(): Unicode spaces, tab, VT, FF, line terminators and U+FEFF. Python's str.strip() differs (it also
# strips U+001C-U+001F and U+0085, and keeps U+FEFF), so cells are trimmed with this set instead.
JS_WHITESPACE = "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Windows-1252 as browsers and Node decode it: the five bytes the code page leaves undefined read as C1 controls
CP1252_TABLE = {b: (bytes([b]).decode("cp1252", errors="ignore") or chr(b)) for b in range(0x80, 0xA0)}


def read_studio_csv(path):
    """The cells of a CSV file as the studio reads them: a DataFrame of str (trimmed) or None (missing), one row per
    data row in file order (blank lines skipped, as the studio's row numbers skip them), columns named by the header.

    Same rules as the studio's parser: UTF-8 when the first 64 KB are valid UTF-8 (a leading BOM dropped), else
    Windows-1252; the delimiter among , ; tab | that splits the first 20 lines most consistently; CRLF and lone CR read
    as LF, also inside quoted values; "" inside quotes is one quote; header names trimmed, a blank one is column_<n>.
    """
    with open(path, "rb") as f:
        raw = f.read()
    head = raw[:64 * 1024]
    encoding = detect_encoding(head, complete=len(head) == len(raw))
    bom = encoding == "utf-8" and raw[:3] == codecs.BOM_UTF8
    delimiter = detect_delimiter(decode_text(raw[3 if bom else 0:8192], encoding), truncated=len(raw) > 8192)
    text = decode_text(raw, encoding)
    if bom:
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))  # the studio has no limit on a cell's length
    header, rows = None, []
    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True):
        if not row or (len(row) == 1 and js_trim(row[0]) == ""):
            continue
        if header is None:
            header = [js_trim(h) or f"column_{i + 1}" for i, h in enumerate(row)]
            if len(header) < 2 or len(set(header)) != len(header):
                raise ValueError("the header needs at least two columns, with unique names")
            continue
        if len(row) != len(header):
            raise ValueError(f"row {len(rows) + 1} has {len(row)} fields but the header has {len(header)}")
        rows.append([cell_value(c) for c in row])
    return pd.DataFrame(rows, columns=header, dtype=object)


def js_trim(text):
    """JavaScript's String.prototype.trim(), which the studio applies to every cell and header name."""
    return text.strip(JS_WHITESPACE)


def cell_value(text):
    """A raw cell as the studio keeps it: trimmed, or None when it is one of MISSING_TOKENS."""
    text = js_trim(text)
    return None if text in MISSING_TOKENS else text


def detect_encoding(head, complete):
    """utf-8 when the bytes are valid UTF-8 (a character cut at the end of an incomplete head allowed), else windows-1252."""
    try:
        codecs.getincrementaldecoder("utf-8")("strict").decode(head, final=complete)
        return "utf-8"
    except UnicodeDecodeError:
        return "windows-1252"


def decode_text(data, encoding):
    """Bytes as text, replacing invalid UTF-8 with U+FFFD as the studio's decoder does."""
    if encoding == "utf-8":
        return data.decode("utf-8", errors="replace")
    return data.decode("latin-1").translate(CP1252_TABLE)


def detect_delimiter(head_text, truncated):
    """The delimiter that splits the first 20 non-blank lines into the same, largest number of fields; quotes toggle
    "inside a value" (per line, as the studio counts). A cut last line of a truncated head is ignored."""
    lines = re.split(r"\r\n|\n|\r", head_text)
    if truncated and len(lines) > 1:
        lines.pop()
    lines = [line for line in lines if js_trim(line) != ""][:20]
    best, best_score = ",", -1
    for d in DELIMITERS if lines else ():
        counts = [count_outside_quotes(line, d) for line in lines]
        if counts[0] == 0:
            continue
        score = counts.count(counts[0]) / len(counts) * 1000 + counts[0]
        if score > best_score:
            best, best_score = d, score
    return best


def count_outside_quotes(line, delimiter):
    n, quoted = 0, False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif ch == delimiter and not quoted:
            n += 1
    return n


# ---- reading one cell ------------------------------------------------------------------------------------------------

# plain decimals only: a leading zero before a digit ("007") keeps the cell as text; [0-9], not \d (ASCII digits only)
NUMBER_RE = re.compile(r"[+-]?(?:(?:0|[1-9][0-9]*)(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_number(text):
    """The cell as a finite float, or None when it is not a plain decimal number (as the studio's parseNumber)."""
    if NUMBER_RE.fullmatch(text) is None:
        return None
    v = float(text)
    return v if math.isfinite(v) else None


def parse_boolean(text):
    """1 / 0 for true/false, yes/no, t/f, y/n in any case; None otherwise (0 and 1 are numbers, not words)."""
    t = text.lower()
    return 1 if t in ("true", "yes", "t", "y") else 0 if t in ("false", "no", "f", "n") else None


def js_number_string(v):
    """JavaScript's String(v): the shortest digits that read back as v (Python's repr finds the same digits), written
    without exponent from 1e-6 to below 1e21, "1e+21" style outside. The studio names numeric categories this way."""
    if v == 0:
        return "0"
    mantissa, _, exp = repr(abs(v)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    n = len(whole) + int(exp or 0) - (len(whole + fraction) - len(digits))  # v = 0.digits * 10**n
    digits = digits.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * -n + digits
    else:
        s = (digits[0] + ("." + digits[1:] if k > 1 else "")) + ("e+" if n - 1 >= 0 else "e-") + str(abs(n - 1))
    return ("-" if v < 0 else "") + s


def canonical(text):
    """The category string of a present cell: a number in its shortest form ("1.50" and "1.5" are one category)."""
    v = parse_number(text)
    return text if v is None else js_number_string(v)


TIME_RE = r"(?:[T ]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,3})[0-9]*)?)?)?"
DATE_RES = {
    "iso": re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + TIME_RE + r"(Z|[+-][0-9]{2}:?[0-9]{2})?"),
    "ymd-slash": re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})" + TIME_RE),
    "mdy": re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})" + TIME_RE),
}
DATE_RES["dmy"] = DATE_RES["mdy"]


def parse_datetime_ms(text, fmt):
    """Milliseconds since 1970-01-01 UTC for a date in the format ("iso", "ymd-slash", "mdy" or "dmy"), or None.
    A date without a zone is read as UTC, so calendar parts do not depend on the machine's time zone. As JavaScript's
    Date.UTC, years 0-99 mean 1900-1999."""
    m = DATE_RES[fmt].fullmatch(text)
    if m is None:
        return None
    g = m.groups()
    if fmt in ("iso", "ymd-slash"):
        y, mo, d = int(g[0]), int(g[1]), int(g[2])
    else:
        y = int(g[2])
        d, mo = (int(g[0]), int(g[1])) if fmt == "dmy" else (int(g[1]), int(g[0]))
    h, mi, s = (0 if p is None else int(p) for p in g[3:6])
    ms = 0 if g[6] is None else int(g[6].ljust(3, "0"))
    if not (1 <= mo <= 12 and 1 <= d <= 31 and h <= 23 and mi <= 59 and s <= 59):
        return None
    y = y + 1900 if y <= 99 else y
    try:
        days = (date(y, mo, d) - date(1970, 1, 1)).days  # rejects 31/02 and the like
    except ValueError:
        return None
    t = days * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms
    zone = g[7] if fmt == "iso" else None
    if zone and zone != "Z":
        digits = zone[1:].replace(":", "")
        t -= (-1 if zone[0] == "-" else 1) * (int(digits[:2]) * 60 + int(digits[2:])) * 60_000
    return float(t)


def detect_date_format(values):
    """The first format (iso, ymd-slash, mdy, dmy) that reads every value as a date, or None."""
    return next((f for f in DATE_FORMATS if values and all(parse_datetime_ms(v, f) is not None for v in values)), None)


def most_likely_date_format(values):
    """The format that reads the most values as dates (the first such in DATE_FORMATS), or None when none reads any."""
    best, best_count = None, 0
    for f in DATE_FORMATS:
        n = sum(parse_datetime_ms(v, f) is not None for v in values)
        if n > best_count:
            best, best_count = f, n
    return best


# ---- reading one column ----------------------------------------------------------------------------------------------

def column_storage(cells):
    """How the studio stores a column, decided on ALL its cells: ("number", None) when every present cell is a number,
    ("datetime", format) when every distinct value is a date in one format (unless all are yes/no words), else
    ("string", None). Pass the whole file's column: a subset of rows can be stored differently."""
    present = {c for c in cells if c is not None}
    if all(parse_number(c) is not None for c in present):
        return "number", None
    categories = {canonical(c) for c in present}
    if all(parse_boolean(c) is not None for c in categories):
        return "string", None
    fmt = detect_date_format(categories)
    return ("datetime", fmt) if fmt else ("string", None)


def map_cells(cells, read):
    """read(cell) for each present cell (once per distinct value), None for missing ones."""
    seen = {c: read(c) for c in set(cells) if c is not None}
    return [None if c is None else seen[c] for c in cells]


def cell_strings(frame, name):
    """The column as the strings the studio's categories, yes/no values, text and labels are read from (None for
    missing): numbers in their shortest form, dates stored as numbers as their milliseconds."""
    cells = frame[name].tolist()
    storage, fmt = column_storage(cells)
    if storage == "number":
        return map_cells(cells, lambda c: js_number_string(parse_number(c)))
    if storage == "datetime":
        return map_cells(cells, lambda c: js_number_string(parse_datetime_ms(c, fmt)))
    return map_cells(cells, canonical)


def cell_numbers(frame, name, kind="numeric"):
    """The column as float64 numbers (NaN for missing or unreadable), as a numeric ("numeric") or date ("datetime",
    milliseconds since the epoch in UTC) column is read by the studio's preprocessing."""
    cells = frame[name].tolist()
    storage, fmt = column_storage(cells)
    if storage == "number":
        read = parse_number
    elif storage == "datetime":
        read = lambda c: parse_datetime_ms(c, fmt)  # noqa: E731
    elif kind == "datetime":
        guess = most_likely_date_format({canonical(c) for c in cells if c is not None})
        read = lambda c: parse_datetime_ms(canonical(c), guess) if guess else None  # noqa: E731
    else:
        read = lambda c: parse_number(canonical(c))  # noqa: E731
    return np.array([np.nan if v is None else v for v in map_cells(cells, read)], dtype=np.float64)


def js_order(text):
    """Sort key of JavaScript's string comparison (UTF-16 code units), by which the studio orders categories."""
    return text.encode("utf-16-be", errors="surrogatepass")


# ---- text hashing ----------------------------------------------------------------------------------------------------

def tokenize(text):
    """Lowercase runs of Unicode letters, marks and digits, after NFC normalisation."""
    tokens, run = [], []
    for ch in unicodedata.normalize("NFC", text).lower():
        if unicodedata.category(ch)[0] in "LMN":
            run.append(ch)
        elif run:
            tokens.append("".join(run))
            run = []
    if run:
        tokens.append("".join(run))
    return tokens


def murmur3_32(data, seed=0):
    """MurmurHash3 x86 32-bit of the bytes, as a signed integer (as scikit-learn and mmh3 return it)."""
    mask, c1, c2 = 0xFFFFFFFF, 0xCC9E2D51, 0x1B873593
    rotl = lambda x, r: ((x << r) | (x >> (32 - r))) & mask  # noqa: E731
    h = seed & mask
    blocks = len(data) // 4
    for i in range(blocks):
        k = int.from_bytes(data[4 * i:4 * i + 4], "little")
        h ^= rotl((k * c1) & mask, 15) * c2 & mask
        h = (rotl(h, 13) * 5 + 0xE6546B64) & mask
    tail = data[4 * blocks:]
    if tail:
        h ^= rotl(int.from_bytes(tail, "little") * c1 & mask, 15) * c2 & mask
    h ^= len(data)
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & mask
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & mask
    h ^= h >> 16
    return h - (1 << 32) if h & 0x80000000 else h


def hash_text(text, buckets):
    """The text as a hashed bag of words: per distinct token log1p(count), added to bucket |h| mod buckets with the
    sign of h = murmur3(token's UTF-8), then the row scaled to unit length. No tokens: all zeros. Summed in the studio's
    order (tokens by first appearance, then buckets in order) so the float64 values are the same."""
    counts = {}
    for token in tokenize(text):
        counts[token] = counts.get(token, 0) + 1
    row = [0.0] * buckets
    for token, count in counts.items():
        h = murmur3_32(token.encode("utf-8"))
        row[abs(h) % buckets] += (-1.0 if h < 0 else 1.0) * math.log1p(count)
    norm = 0.0
    for v in row:
        norm += v * v
    if norm == 0:
        return np.zeros(buckets)
    return np.array(row) / math.sqrt(norm)


# ---- the preprocessing steps: each returns float64 (rows x outputs), cast to float32 once by the caller --------------

def numeric_feature(frame, name, fill, center, scale, missing_indicator):
    """(x - center) / scale, a missing x filled first; then a 0/1 column marking filled rows when missing_indicator."""
    x = cell_numbers(frame, name, "numeric")
    missing = np.isnan(x)
    out = [(np.where(missing, fill, x) - center) / scale]
    if missing_indicator:
        out.append(missing.astype(np.float64))
    return np.column_stack(out)


def boolean_reader(ones, zeros):
    """The 0/1 value of a cell's string: the training values as written, then ignoring case (where that is
    unambiguous), then as a number ("1.0" is "1"); NaN for a value not seen in training."""
    exact = {v: 0.0 for v in zeros}
    exact.update({v: 1.0 for v in ones})
    folded = {}
    for v, b in exact.items():
        k = v.lower()
        folded[k] = math.nan if k in folded and folded[k] != b else b

    def read(s):
        hit = exact.get(s, folded.get(s.lower()))
        if hit is not None:
            return hit
        n = parse_number(s)
        return math.nan if n is None else exact.get(js_number_string(n), math.nan)

    return read


def boolean_feature(frame, name, ones, zeros, median):
    """A yes/no column as one 0/1 column; a missing or unknown value gets the training median."""
    v = np.array([math.nan if s is None else s for s in map_cells(cell_strings(frame, name), boolean_reader(ones, zeros))], dtype=np.float64)
    return np.where(np.isnan(v), median, v)[:, None]


def category_slots(frame, name, categories, fill):
    """Per row: the category's index in `categories`, len(categories) (OTHER) for a rare or unseen one, -1 for a
    missing cell that no fill replaces."""
    slot = {c: i for i, c in enumerate(categories)}
    other = len(categories)
    cells = [fill if s is None else s for s in cell_strings(frame, name)]
    return np.array([-1 if s is None else slot.get(s, other) for s in cells], dtype=np.int64)


def onehot_feature(frame, name, categories, fill):
    """One 0/1 column per category kept in training, then one for OTHER (rare and unseen); a missing cell is all zeros
    unless filled (most_frequent imputation)."""
    slots = category_slots(frame, name, categories, fill)
    out = np.zeros((len(slots), len(categories) + 1))
    present = slots >= 0
    out[np.flatnonzero(present), slots[present]] = 1.0
    return out


def ordinal_feature(frame, name, categories, fill, center, scale):
    """(index - center) / scale, the index in the sorted training categories (OTHER last, -1 for missing)."""
    return ((category_slots(frame, name, categories, fill) - center) / scale)[:, None]


def target_feature(frame, name, categories, fill, values, missing, prior, center, scale):
    """Target encoding: the category's smoothed label statistic per output (values, fitted on all training rows; the
    `missing` statistic for a missing cell, the `prior` for an unseen category), then (v - center) / scale."""
    slots = category_slots(frame, name, categories, fill)
    table = np.array(list(values) + [prior, missing], dtype=np.float64)  # slot len(categories) is OTHER, -1 missing
    return (table[slots] - np.asarray(center, dtype=np.float64)) / np.asarray(scale, dtype=np.float64)


def date_part(ms, part, origin):
    """A calendar part in UTC of each millisecond timestamp (NaN where none), as JavaScript's getUTC* gives it; the
    weekday counts from Sunday = 0; elapsed_days counts (fractional) days since `origin`."""
    ms = np.asarray(ms, dtype=np.float64)
    if part == "elapsed_days":
        return (ms - origin) / 86_400_000
    t = np.trunc(ms)
    invalid = ~(np.abs(t) <= 8.64e15)  # NaN, or outside the range of a JavaScript Date
    t = np.where(invalid, 0, t).astype(np.int64)
    days = t // 86_400_000
    day = days.astype("datetime64[D]")
    month = day.astype("datetime64[M]")
    values = {
        "year": lambda: day.astype("datetime64[Y]").astype(np.int64) + 1970,
        "month": lambda: month.astype(np.int64) % 12 + 1,
        "day": lambda: (day - month).astype(np.int64) + 1,
        "weekday": lambda: (days + 4) % 7,  # 1970-01-01 was a Thursday
        "hour": lambda: (t - days * 86_400_000) // 3_600_000,
    }[part]()
    return np.where(invalid, np.nan, values.astype(np.float64))


def datetime_feature(frame, name, origin, parts, missing_indicator):
    """Each calendar part ({"part", "fill", "center", "scale"}) as (part - center) / scale, a missing date's part
    filled first; then a 0/1 column marking missing dates when missing_indicator."""
    ms = cell_numbers(frame, name, "datetime")
    missing = np.isnan(ms)
    out = [(np.where(missing, p["fill"], date_part(ms, p["part"], origin)) - p["center"]) / p["scale"] for p in parts]
    if missing_indicator:
        out.append(missing.astype(np.float64))
    return np.column_stack(out)


def text_feature(frame, name, buckets):
    """Free text as a hashed bag of words (hash_text); a missing cell is all zeros."""
    hashed = map_cells(cell_strings(frame, name), lambda s: hash_text(s, buckets))
    return np.array([np.zeros(buckets) if h is None else h for h in hashed]).reshape(len(hashed), buckets)


def class_codes(frame, name, classes):
    """The label as class codes (index into classes, the studio's class order); -1 where the label is missing."""
    code = {c: i for i, c in enumerate(classes)}
    strings = cell_strings(frame, name)
    unknown = {s for s in strings if s is not None and s not in code}
    if unknown:
        raise ValueError(f"the label column holds {len(unknown)} values that are not among the classes")
    return np.array([-1 if s is None else code[s] for s in strings], dtype=np.int64)


def regression_target(frame, name):
    """The label as the studio's float32 targets; NaN where the label is missing."""
    if column_storage(frame[name].tolist())[0] == "string":
        raise ValueError("regression needs a numeric label column")
    return cell_numbers(frame, name, "numeric").astype(np.float32)


# ---- refitting on the training rows, to check the fitted parameters ---------------------------------------------------

def fill_of(values, imputation):
    """The training median, mean or most frequent value (the smallest of equally frequent ones)."""
    if imputation == "median":
        return float(np.median(values))
    if imputation == "mean":
        return float(np.mean(values))
    uniques, counts = np.unique(values, return_counts=True)
    return float(uniques[np.argmax(counts)])


def scale_of(values, scaling):
    """center and scale: standard (mean, population std), robust (median, IQR; the std when the IQR is 0) or none;
    a constant column scales by 1."""
    values = np.asarray(values, dtype=np.float64)
    if scaling == "none":
        return {"center": 0.0, "scale": 1.0}
    if scaling == "standard":
        std = float(np.std(values))
        return {"center": float(np.mean(values)), "scale": std if std > 0 else 1.0}
    q1, q2, q3 = np.quantile(values, [0.25, 0.5, 0.75])
    iqr = float(q3 - q1)
    std = float(np.std(values))
    return {"center": float(q2), "scale": iqr if iqr > 0 else std if std > 0 else 1.0}


def fit_numeric(frame, name, rows, imputation, scaling):
    """fill (0 for constant), center and scale from the present training values; whether any was missing."""
    x = cell_numbers(frame, name, "numeric")[rows]
    present = x[~np.isnan(x)]
    fill = 0.0 if imputation == "constant" else fill_of(present, imputation)
    return {"column": name, "fill": fill, **scale_of(present, scaling), "missing_indicator": bool(len(present) < len(x))}


def fit_datetime(frame, name, rows, imputation, scaling):
    """origin (the earliest training date) and, per calendar part that varies in training, its fill (the origin's
    part for constant), center and scale; whether any date was missing."""
    ms = cell_numbers(frame, name, "datetime")[rows]
    present = ms[~np.isnan(ms)]
    origin = float(present.min())
    parts = []
    for part in ("year", "month", "day", "weekday", "hour", "elapsed_days"):
        observed = date_part(present, part, origin)
        if np.all(observed == observed[0]):
            continue  # a part that never varies in training is left out
        fill = float(date_part([origin], part, origin)[0]) if imputation == "constant" else fill_of(observed, imputation)
        parts.append({"part": part, "fill": fill, **scale_of(observed, scaling)})
    return {"column": name, "origin": origin, "parts": parts, "missing_indicator": bool(len(present) < len(ms))}


def boolean_word(s):
    """1 or 0 for a yes/no word or the number 1 or 0; None for anything else."""
    b = parse_boolean(s)
    return b if b is not None else {0.0: 0, 1.0: 1}.get(parse_number(s))


def fit_boolean(frame, name, rows):
    """Which training values mean 1 and 0 (yes/no words and 0/1 by meaning, two other values in sorted order) and
    the median of the training rows' 0/1 values."""
    strings = [s for s in np.array(cell_strings(frame, name), dtype=object)[rows] if s is not None]
    values = sorted(set(strings), key=js_order)
    if all(boolean_word(v) is not None for v in values):
        ones, zeros = [v for v in values if boolean_word(v) == 1], [v for v in values if boolean_word(v) == 0]
    else:
        zeros, ones = values[:1], values[1:]
    read = boolean_reader(ones, zeros)
    train = [b for b in map(read, strings) if not math.isnan(b)]
    return {"column": name, "ones": ones, "zeros": zeros, "median": float(np.median(train))}


def fit_categorical(frame, name, rows, imputation, encoding, scaling, y=None, task=None):
    """The categories kept (and with encoding "ordinal" its scaling; with "target", for columns of more than 10
    categories, the statistics from all training rows)."""
    strings = list(np.array(cell_strings(frame, name), dtype=object)[rows])
    counts = pd.Series([s for s in strings if s is not None], dtype=object).value_counts().to_dict()
    by_frequency = sorted(counts, key=lambda c: (-counts[c], js_order(c)))
    fill = by_frequency[0] if imputation == "most_frequent" else None
    if encoding == "target" and len(counts) > 10:
        return {"column": name, "encoding": "target", "fill": fill, **target_statistics([fill if s is None else s for s in strings], y, task)}
    min_count = max(2, math.ceil(0.005 * len(rows)))
    kept = [c for c in by_frequency if counts[c] >= min_count]
    fitted = {"column": name, "encoding": "onehot", "categories": kept, "min_count": min_count, "fill": fill}
    if encoding != "ordinal":
        return fitted
    kept = sorted(kept, key=js_order)
    slot = {c: i for i, c in enumerate(kept)}
    observed = [slot.get(s, len(kept)) for s in strings if s is not None]
    return {**fitted, "encoding": "ordinal", "categories": kept, **scale_of(observed, scaling)}


def target_statistics(keys, y, task):
    """Per category (by training count, then string) the smoothed mean of the target vector, (sum + 10 prior) /
    (count + 10); the missing cell's the same way (the prior when training had none)."""
    y = np.asarray(y, dtype=np.float64)
    vectors = np.eye(len(task["classes"]))[y.astype(np.int64)] if task["type"] == "multiclass" else y[:, None]
    prior = vectors.mean(axis=0)
    rows_of = {}
    for i, key in enumerate(keys):
        rows_of.setdefault(key, []).append(i)
    stats = {key: ((vectors[idx].sum(axis=0) + 10 * prior) / (len(idx) + 10), len(idx)) for key, idx in rows_of.items()}
    categories = sorted((k for k in stats if k is not None), key=lambda c: (-stats[c][1], js_order(c)))
    return {
        "categories": categories,
        "values": [list(stats[c][0]) for c in categories],
        "missing": list(stats[None][0]) if None in stats else list(prior),
        "prior": list(prior),
    }


def assert_fitted(fitted, **expected):
    """Asserts that each expected parameter equals the refitted one: strings exactly, numbers to 1e-9 (relative)."""
    def same(a, b):
        if isinstance(a, dict):
            return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        if isinstance(a, (list, tuple)):
            return isinstance(b, (list, tuple)) and len(a) == len(b) and all(same(u, v) for u, v in zip(a, b))
        if isinstance(a, (bool, str)) or a is None or isinstance(b, (bool, str)) or b is None:
            return a == b
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)

    for key, value in expected.items():
        assert same(fitted[key], value), f"column {fitted['column']!r}: refitted {key} {fitted[key]!r}, the studio's {value!r}"
