import math
import struct

import numpy as np

# (row, tree) pairs walked at once: bounds the replay's memory on large data
_WALK_CHUNK = 2_000_000


def _flat_trees(model):
    """All trees of a portable "trees" model in one set of node arrays (children and category offsets made global),
    and the node index of each tree's root."""
    trees = model["trees"]
    width = 1 if model["family"] == "gbdt" else model["outputs"]
    sizes = np.array([len(t["feature"]) for t in trees], dtype=np.int64)
    roots = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    keys = ("feature", "threshold", "missing_left", "left", "right", "value", "cat_start", "cat_words", "cat_bits")
    parts = {key: [] for key in keys}
    bits_offset = 0
    for t, root in zip(trees, roots):
        n = len(t["feature"])
        starts = np.asarray(t.get("catStart") or [0] * (n + 1), dtype=np.int64)
        parts["feature"].append(np.asarray(t["feature"], dtype=np.int64))
        # null thresholds are +Infinity: every value goes left, only missing values are split off
        parts["threshold"].append(np.array([np.inf if v is None else v for v in t["threshold"]], dtype=np.float64))
        parts["missing_left"].append(np.asarray(t["missingLeft"], dtype=bool))
        parts["left"].append(np.asarray(t["left"], dtype=np.int64) + root)
        parts["right"].append(np.asarray(t["right"], dtype=np.int64) + root)
        parts["value"].append(np.asarray(t["value"], dtype=np.float64).reshape(n, width))
        parts["cat_start"].append(starts[:-1] + bits_offset)
        parts["cat_words"].append(np.diff(starts))
        parts["cat_bits"].append(np.asarray(t.get("catBits") or [], dtype=np.int64))
        bits_offset += int(starts[-1])
    return {key: np.concatenate(arrays) for key, arrays in parts.items()}, roots


def _goes_left(nodes, at, v):
    """Whether values v (float64) go left at split nodes `at`: v <= threshold, or for a categorical split v's category
    is one of the node's left categories; missing values (NaN; at a categorical split anything but a code 0..n-1)
    follow missing_left."""
    with np.errstate(invalid="ignore"):
        left = np.where(np.isnan(v), nodes["missing_left"][at], v <= nodes["threshold"][at])
        cat = nodes["cat_words"][at] > 0
        if cat.any():
            vc, ac = v[cat], at[cat]
            is_code = (vc >= 0) & (vc < nodes["threshold"][ac]) & (np.floor(vc) == vc)
            code = np.where(is_code, vc, 0).astype(np.int64)
            word = nodes["cat_bits"][nodes["cat_start"][ac] + (code >> 5)]
            left[cat] = np.where(is_code, ((word >> (code & 31)) & 1) == 1, nodes["missing_left"][ac])
    return left


def _leaves(nodes, roots, X):
    """(rows, trees): the node index of the leaf each row of X reaches in each tree. All trees are walked together,
    one level per step, on the (row, tree) pairs that have not reached a leaf yet."""
    n, trees = X.shape[0], roots.size
    out = np.empty((n, trees), dtype=np.int64)
    step = max(1, _WALK_CHUNK // max(trees, 1))
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        node = np.tile(roots, hi - lo)
        row = np.repeat(np.arange(lo, hi), trees)
        active = np.arange(node.size)
        while active.size:
            at = node[active]
            f = nodes["feature"][at]
            split = f >= 0
            active, at, f = active[split], at[split], f[split]
            go_left = _goes_left(nodes, at, X[row[active], f])
            node[active] = np.where(go_left, nodes["left"][at], nodes["right"][at])
        out[lo:hi] = node.reshape(hi - lo, trees)
    return out


def _as_float32(a):
    """The studio stores predictions as float32: round them the same way."""
    return a.astype(np.float32).astype(np.float64)


def predict_trees(model, X, task):
    """Replays a gbdt or forest model from its portable.json (a dict): every row walks every tree (see the format's
    description in the JSON), then gbdt adds the leaf values to the base score in tree order and applies the link
    (sigmoid, softmax or identity); forest averages the trees' leaf values (class frequencies or values).
    Returns (n, k) probabilities in task["classes"] order, or (n,) values for regression."""
    X = np.asarray(X, dtype=np.float32).astype(np.float64)
    nodes, roots = _flat_trees(model)
    leaves = _leaves(nodes, roots, X)
    values = nodes["value"]
    k, n, trees = model["outputs"], X.shape[0], roots.size
    if model["family"] == "gbdt":
        raw = np.tile(np.asarray(model["baseScore"], dtype=np.float64), (n, 1))
        for t in range(trees):
            raw[:, t % k] += values[leaves[:, t], 0]
        with np.errstate(over="ignore"):
            if task["type"] == "regression":
                return _as_float32(raw[:, 0])
            if task["type"] == "binary":
                p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
                return _as_float32(np.column_stack([1.0 - p, p]))
            e = np.exp(raw - raw.max(axis=1, keepdims=True))
            return _as_float32(e * (1.0 / e.sum(axis=1, keepdims=True)))
    sums = np.zeros((n, k))
    for t in range(trees):
        sums += values[leaves[:, t]]
    mean = sums * (1.0 / trees)
    if task["type"] == "regression":
        return _as_float32(mean[:, 0])
    if task["type"] == "binary":
        p = np.clip(mean[:, 0], 0.0, 1.0)
        return _as_float32(np.column_stack([1.0 - p, p]))
    positive = np.maximum(sums, 0.0)
    total = positive.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _as_float32(np.where(total > 0, positive / total, 1.0 / k))


# ---------------------------------------------------------------------------------------------------------------------
# Retrain: the studio's own tree learners (server/models/gbdt, server/models/forest) rebuilt step for step in NumPy.
# The same seed draws the same rows, columns and thresholds from the same generator, sums are added in the studio's
# order, and exp and log are computed as the studio's JavaScript engine (V8) computes them. Given the rows the studio
# trained on, in its order, and its seed, the retrained trees are the studio's, node for node and bit for bit.
# The generator (StudioRng) and the seed derivation (derive_seed) are rng.py's.
# ---------------------------------------------------------------------------------------------------------------------


def _row_subset(rows, limit, seed):
    """server/models/shared/row-subset.ts rowSubset: all rows, or a seeded sample of `limit` of them, ascending."""
    rows_all = np.arange(rows)
    if rows <= limit:
        return rows_all
    u = StudioRng(seed).uniforms(limit)
    for i in range(limit):
        j = i + int(u[i] * (rows - i))
        rows_all[i], rows_all[j] = rows_all[j], rows_all[i]
    return np.sort(rows_all[:limit])


def _js_round(v):
    """JavaScript's Math.round: halves round up."""
    r = math.floor(v)
    return r + 1 if v - r >= 0.5 else r


_LN2_HI, _LN2_LO = 6.93147180369123816490e-01, 1.90821492927058770002e-10
_EXP_P = (
    1.66666666666666019037e-01, -2.77777777770155933842e-03, 6.61375632143793436117e-05,
    -1.65339022054652515390e-06, 4.13813679705723846039e-08,
)


def _js_exp(x):
    """exp of a float64 array as V8's Math.exp computes it (fdlibm's __ieee754_exp), to the bit. NumPy's and the C
    library's exp differ from it in the last bit for a fair share of inputs, which would move the boosting off the
    studio's path: the gradients of the next round are computed from these."""
    x = np.asarray(x, dtype=np.float64)
    hx = (x.view(np.uint64) >> np.uint64(32)).astype(np.int64)
    neg = (hx >> 31) == 1
    ahx = hx & 0x7FFFFFFF
    with np.errstate(all="ignore"):
        near = (ahx > 0x3FD62E42) & (ahx < 0x3FF0A2B2)  # 0.5 ln2 < |x| < 1.5 ln2: k = +-1
        far = ahx >= 0x3FF0A2B2
        k_far = np.trunc(1.44269504088896338700 * x + np.where(neg, -0.5, 0.5))
        k = np.where(far, np.clip(np.nan_to_num(k_far), -2000, 2000), np.where(near, np.where(neg, -1.0, 1.0), 0.0))
        hi = np.where(near, x - np.where(neg, -_LN2_HI, _LN2_HI), x - k * _LN2_HI)
        lo = np.where(near, np.where(neg, -_LN2_LO, _LN2_LO), k * _LN2_LO)
        r = np.where(near | far, hi - lo, x)
        t = r * r
        p1, p2, p3, p4, p5 = _EXP_P
        c = r - t * (p1 + t * (p2 + t * (p3 + t * (p4 + t * p5))))
        y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi)
        ki = k.astype(np.int64)
        scaled = np.where(ki >= -1021, np.ldexp(y, ki), np.ldexp(y, ki + 1000) * 9.33263618503218878990e-302)
        out = np.where(ki == 0, 1.0 - ((r * c) / (c - 2.0) - r), scaled)
        out = np.where(ahx < 0x3E300000, 1.0 + x, out)
        out = np.where(x > 7.09782712893383973096e02, np.inf, out)
        out = np.where(x < -7.45133219101941108420e02, 0.0, out)
        return np.where(np.isnan(x), x, out)


_LOG_LG = (
    6.666666666666735130e-01, 3.999999999940941908e-01, 2.857142874366239149e-01, 2.222219843214978396e-01,
    1.818357216161805012e-01, 1.531383769920937332e-01, 1.479819860511658591e-01,
)


def _js_log(x):
    """log of a positive finite float as V8's Math.log computes it (fdlibm's __ieee754_log), to the bit: the base
    score's log-odds and log-priors."""
    bits = struct.unpack("<q", struct.pack("<d", x))[0]
    hx, lx = bits >> 32, bits & _MASK32
    k = 0
    if hx < 0x00100000:  # subnormal: scale up
        k -= 54
        x *= 1.80143985094819840000e16
        bits = struct.unpack("<q", struct.pack("<d", x))[0]
        hx, lx = bits >> 32, bits & _MASK32
    k += (hx >> 20) - 1023
    hx &= 0x000FFFFF
    i = (hx + 0x95F64) & 0x100000
    # x or x / 2, in [sqrt(2) / 2, sqrt(2))
    x = struct.unpack("<d", struct.pack("<q", ((hx | (i ^ 0x3FF00000)) << 32) | lx))[0]
    k += i >> 20
    f = x - 1.0
    dk = float(k)
    if (0x000FFFFF & (2 + hx)) < 3:  # |f| < 2**-20
        if f == 0.0:
            return 0.0 if k == 0 else dk * _LN2_HI + dk * _LN2_LO
        r = f * f * (0.5 - 0.33333333333333333 * f)
        return f - r if k == 0 else dk * _LN2_HI - ((r - dk * _LN2_LO) - f)
    lg1, lg2, lg3, lg4, lg5, lg6, lg7 = _LOG_LG
    s = f / (2.0 + f)
    z = s * s
    w = z * z
    r = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7))) + w * (lg2 + w * (lg4 + w * lg6))
    if ((hx - 0x6147A) | (0x6B851 - hx)) > 0:
        hfsq = 0.5 * f * f
        if k == 0:
            return f - (hfsq - s * (hfsq + r))
        return dk * _LN2_HI - ((hfsq - (s * (hfsq + r) + dk * _LN2_LO)) - f)
    return f - s * (f - r) if k == 0 else dk * _LN2_HI - ((s * (f - r) - dk * _LN2_LO) - f)


def _sum_in_order(a):
    """The sum of a's values added one after another from the first, as the studio's loops add them (np.sum adds
    pairwise, which rounds differently)."""
    return float(np.cumsum(a)[-1]) if len(a) else 0.0


class _Bins:
    """server/models/gbdt/bins.ts (BinEdges.fit and .bin): each column's values replaced by the index of a quantile
    bin, at most max_bins value bins per column plus one for missing values (NaN), after them. A categorical column
    (categorical[j] = its category count n <= max_bins) is binned by code instead: bin c holds code c, any other value
    (NaN, -1, out of range, fractional) is missing. Edges come from a seeded sample of at most 200,000 rows.

    glob[row, j] is the row's bin of column j numbered across all columns (start[j] + bin), as one histogram lays
    them out end to end."""

    def __init__(self, X, max_bins, seed, categorical=None):
        n, d = X.shape
        self.rows = n
        self.categories = np.zeros(d, dtype=np.int64)
        for j, count in enumerate(categorical or []):
            if count is not None and float(count).is_integer() and 1 <= count <= max_bins:
                self.categories[j] = int(count)
        sample = _row_subset(n, 200_000, seed)
        self.upper = []
        for j in range(d):
            if self.categories[j] > 0:
                self.upper.append(np.arange(self.categories[j] - 1) + 0.5)
            else:
                v = X[sample, j]
                self.upper.append(_quantile_edges(np.sort(v[~np.isnan(v)]), max_bins))
        self.missing = np.array([len(e) + 1 for e in self.upper], dtype=np.int64)  # also the count of value bins
        self.start = np.concatenate([[0], np.cumsum(self.missing + 1)[:-1]]).astype(np.int64)
        self.total = int(np.sum(self.missing + 1))
        codes = np.empty((n, d), dtype=np.int64)
        with np.errstate(invalid="ignore"):
            for j in range(d):
                col = X[:, j].astype(np.float64)
                if self.categories[j] > 0:
                    is_code = (col >= 0) & (col < self.categories[j]) & (np.floor(col) == col)
                    codes[:, j] = np.where(is_code, col, self.missing[j]).astype(np.int64)
                else:
                    bin_of = np.searchsorted(self.upper[j], col, side="left")  # the first bin whose upper edge is >= v
                    codes[:, j] = np.where(np.isnan(col), self.missing[j], bin_of)
        # the columns whose rows fall in more than one bin; the others can never split
        self.splittable = [j for j in range(d) if n > 0 and codes[:, j].min() < codes[:, j].max()]
        self.glob = codes + self.start
        # scans handle columns of similar bin counts together, each group padded to its widest column: per column,
        # the global index of each value bin, padded with `total` (a histogram's last slot, always 0)
        t = np.arange(int(self.missing.max()) if d else 0)
        self.value_bins = np.where(t < self.missing[:, None], self.start[:, None] + t, self.total)
        self.width_class = np.ceil(np.log2(self.missing) / 2).astype(np.int64)

    def groups(self, feats):
        """Positions in feats of columns of similar bin counts (up to 4, 16, 64, ... value bins), and the group's
        widest; all of them at once where padding them all to the widest costs little."""
        widths = self.missing[feats]
        if widths.size * widths.max(initial=0) <= 2 * widths.sum() + 4096:
            yield np.arange(widths.size), int(widths.max(initial=0))
            return
        classes = self.width_class[feats]
        for c in np.unique(classes):
            at = np.flatnonzero(classes == c)
            yield at, int(self.missing[feats[at]].max())

    def codes(self, j, rows):
        """Column j's bins of `rows`."""
        return self.glob[rows, j] - self.start[j]

    def threshold(self, j, b):
        """A split after value bin b sends values <= its upper edge left (the last bin: every value, +Infinity)."""
        e = self.upper[j]
        return float(e[b]) if b < len(e) else math.inf


def _quantile_edges(values, max_bins):
    """bins.ts quantileEdges: upper edges of at most max_bins bins over sorted values, each bin filled to an equal
    share of the rows still unbinned (so a value repeated in many rows gets a bin of its own), one bin per value where
    few are distinct; edges midway between neighbouring distinct values. The studio walks the values one by one; here
    each bin's end is found at once (the first value where the bin holds its share, or where every value left can have
    a bin of its own), which closes the same bins."""
    if values.size == 0:
        return np.zeros(0)
    distinct, counts = np.unique(values, return_counts=True)
    distinct = distinct.astype(np.float64)
    cum = np.cumsum(counts)
    d, edges = distinct.size, []
    bins_left, rows_left, before, i = max_bins, values.size, 0, 0
    while i < d - 1 and bins_left > 1:
        share = math.ceil(rows_left / bins_left)  # a bin of whole rows holds its share once it holds this many
        end = min(int(np.searchsorted(cum, before + share, side="left")), max(i, d - bins_left))
        if end >= d - 1:
            break
        edges.append((distinct[end] + distinct[end + 1]) / 2)
        rows_left -= int(cum[end]) - before
        before = int(cum[end])
        bins_left -= 1
        i = end + 1
    return np.array(edges)


def _histogram(bins, feats, rows, weights):
    """server/models/gbdt/histogram.ts buildHistogram: for each row of `weights` (per-row gradients, hessians, targets),
    its sums over `rows` (ascending) in every bin of the columns `feats`: an array (len(weights), total + 1) over all
    bins (_Bins.glob), the last slot 0. Sums are added in row order; where the rows outnumber the columns' bins, the
    studio sums the rows at even and odd positions apart and then adds the two, and so does this (np.bincount adds in
    input order), so every sum is rounded as the studio's."""
    slots, nf, nw = bins.total + 1, len(feats), len(weights)
    split = len(rows) > int(np.sum(bins.missing[feats] + 1))
    at = bins.glob[np.ix_(rows, feats)]
    if split:
        at = at + ((np.arange(len(rows)) & 1) * (nw * slots))[:, None]
    at = (at.ravel() + (np.arange(nw) * slots)[:, None]).ravel()
    values = np.repeat(weights[:, rows], nf, axis=1).ravel()
    sums = np.bincount(at, values, minlength=(2 if split else 1) * nw * slots)
    if split:
        return sums[:nw * slots].reshape(nw, slots) + sums[nw * slots:].reshape(nw, slots)
    return sums.reshape(nw, slots)


def _threshold_candidates(bins, hist, feats, H, least, forest):
    """The threshold splits a node's histogram offers, as the studio scans them (gbdt: split.ts findBestSplit; forest:
    grow.ts scanBest): per column of `feats` in order, its value bins with missing values right, then, where the node
    has missing values, left. hist: (channels + 1, bins) from _histogram, gradient or target sums then the hessian or
    weight. Left sums are added bin by bin from 0 (missing values left: from the missing bin's). A candidate needs
    `least` hessian or weight on each side; the scan of a column stops at the first whose right side has less (the
    gbdt's subtracted histograms can hold tiny negative residue, so a later one could have more again). The forest
    counts missing values where their bin has weight, and skips empty bins (gbdt: missing hessian >= least; no skip).

    Returns the candidates that qualify, as flat arrays: g (channels, n) and h (n) left sums, key (the scan order),
    position in feats, bin, and whether missing values go left (without missing values in the node: the side with
    more hessian or weight)."""
    parts = []
    for at, width in bins.groups(feats):
        f = feats[at]
        sums, missing = hist[:, bins.value_bins[f, :width]], hist[:, bins.start[f] + bins.missing[f]]
        has = missing[-1] > 0 if forest else missing[-1] >= least
        m, t = bins.missing[f][:, None], np.arange(width)
        scans = [(np.cumsum(sums, axis=2), t <= np.where(has[:, None], m - 1, m - 2), 0)]
        if has.any():
            from_missing = np.cumsum(np.concatenate([missing[:, :, None], sums], axis=2), axis=2)[:, :, 1:]
            scans.append((from_missing, has[:, None] & (t <= m - 2), 1))
        for left, in_range, side in scans:
            ok = in_range & _scan_ok(left[-1], H - left[-1], least) & ((sums[-1] > 0) if forest else True)
            i, b = np.nonzero(ok)
            h = left[-1, i, b]
            missing_left = np.full(i.size, side == 1) if side else ~has[i] & (h > H - h)
            key = (at[i] * 2 + side) * bins.value_bins.shape[1] + b
            parts.append((left[:-1, i, b], h, key, at[i], b, missing_left))
    if not parts:
        return None
    return [np.concatenate(arrays, axis=-1) for arrays in zip(*parts)]


def _scan_ok(hl, hr, least):
    """Where a threshold scan considers a split: the left side holds `least`, and the scan has not stopped at a
    threshold whose right side fell below it (the studio's loop breaks there)."""
    ok = hl >= least
    return ok & ~np.logical_or.accumulate(ok & (hr < least), axis=-1)


def _first_best(scores, keys):
    """The candidate with the highest score, the first in scan order among equals (the studio keeps a split only
    when it is strictly better than the best so far)."""
    top = np.flatnonzero(scores == scores.max())
    return int(top[np.argmin(keys[top])])


def _boosted_split(bins, hist, feats, G, H, rows, rules):
    """server/models/gbdt/split.ts findBestSplit: the best split of a node with gradient and hessian sums G, H and
    histogram hist, by XGBoost's gain (a side scores g^2 / (h + lambda)): the thresholds of _threshold_candidates, and
    for categorical columns the sets of _categorical_split. Returns the split, or None where none clears the rules."""
    lam, least = rules["lambda"], rules["least_hessian"]
    if H < 2 * least:
        return None
    parent = G * G / (H + lam)
    feats = np.asarray(feats, dtype=np.int64)
    categorical = bins.categories[feats] > 0
    numeric = np.flatnonzero(~categorical)
    found = _threshold_candidates(bins, hist, feats[numeric], H, least, forest=False) if numeric.size else None
    stride = 2 * bins.value_bins.shape[1]
    g = h = np.zeros(0)
    scores, keys, sets = [], [], []
    if found is not None:
        g, h, key, at, b, missing_left = found
        g = g[0]
        scores.append(g * g / (h + lam) + (G - g) * (G - g) / (H - h + lam))
        keys.append(numeric[at] * stride + key % stride)
    for i in np.flatnonzero(categorical):
        score, pick = _categorical_split(hist[0], hist[1], bins, int(feats[i]), G, H, rows, lam, least)
        if pick is not None:
            scores.append([score])
            keys.append([i * stride])
            sets.append((int(feats[i]), *pick))
    scores = np.concatenate([np.asarray(s, dtype=np.float64) for s in scores] or [np.zeros(0)])
    if scores.size == 0:
        return None
    winner = _first_best(scores, np.concatenate([np.asarray(k, dtype=np.int64) for k in keys]))
    gain = 0.5 * (scores[winner] - parent)
    if not (scores[winner] > parent and gain > rules["min_split_gain"] and gain > 1e-12 * parent):
        return None
    if winner >= g.size:
        f, left_bins, g_left, h_left = sets[winner - g.size]
        split = {"feature": f, "bin": 0, "left_bins": left_bins, "missing_left": bool(left_bins[-1])}
        return {**split, "gain": gain, "g_left": g_left, "h_left": h_left}
    f = int(feats[numeric[at[winner]]])
    split = {"feature": f, "bin": int(b[winner]), "left_bins": None, "missing_left": bool(missing_left[winner])}
    return {**split, "gain": gain, "g_left": float(g[winner]), "h_left": float(h[winner])}


def _categorical_split(hg, hh, bins, f, G, H, rows, lam, least):
    """server/models/gbdt/categorical.ts bestCategoricalSplit: the best partition of categorical column f's bins
    (codes, then the missing bin) into a left and a right set, LightGBM's way with its defaults: with at most 4 bins
    each bin against the rest; else the bins with at least 10 rows (counted from hessians) sorted by g / (h + 10), and
    the prefixes of that order from either end (at most 32 bins and half of them) tried every 100 rows, scored with
    lambda + 10, keeping 100 rows on the right. Returns (score, (left bins as 0/1, g_left, h_left)), score -inf where
    none fits."""
    base, nb = int(bins.start[f]), int(bins.missing[f]) + 1
    g, h = hg[base:base + nb].tolist(), hh[base:base + nb].tolist()
    best, pick = -math.inf, None

    def record(left, gl, hl):
        bits = [0] * nb
        for t in left:
            bits[t] = 1
        return (bits, gl, hl)

    if nb <= 4:
        for t in range(nb):
            gl, hl = g[t], h[t]
            hr = H - hl
            if hl < least or hr < least:
                continue
            gr = G - gl
            s = gl * gl / (hl + lam) + gr * gr / (hr + lam)
            if s > best:
                best, pick = s, record([t], gl, hl)
        return best, pick
    per_hess = rows / H
    count = [_js_round(v * per_hess) for v in h]
    used = [t for t in range(nb) if count[t] >= 10]
    if len(used) < 2:
        return best, pick
    ratio = {t: g[t] / (h[t] + 10) for t in used}
    order = sorted(used, key=lambda t: (ratio[t], t))
    l2 = lam + 10
    for side in (order, order[::-1]):
        gl = hl = 0.0
        left_rows = group = 0
        for i in range(min(len(used), 32, (len(used) + 1) >> 1)):
            t = side[i]
            gl += g[t]
            hl += h[t]
            left_rows += count[t]
            group += count[t]
            if hl < least:
                continue
            hr = H - hl
            if rows - left_rows < 100 or hr < least:
                break
            if group < 100:
                continue
            group = 0
            gr = G - gl
            s = gl * gl / (hl + l2) + gr * gr / (hr + l2)
            if s > best:
                best, pick = s, record(side[:i + 1], gl, hl)
    return best, pick


def _goes_left_bins(bins, split, rows):
    """server/models/gbdt/partition.ts: which of `rows` a split sends left, from their bins: bins up to split["bin"],
    and the missing bin where missing values go left; at a categorical split, the bins of its left set."""
    c = bins.codes(split["feature"], rows)
    if split["left_bins"] is not None:
        return np.asarray(split["left_bins"], dtype=bool)[c]
    return (c <= split["bin"]) | ((c == bins.missing[split["feature"]]) & split["missing_left"])


def _boosted_tree(bins, rows, grad, hess, feats, rules):
    """server/models/gbdt/grow.ts TreeGrower.grow: a tree on gradients and hessians over the rows `rows` (ascending),
    splitting on the columns `feats`. Leaf-wise, the open leaf with the largest gain splits next (the first of equal
    gains in the studio's list of open leaves) until max_leaves; depth-wise, the last opened splits next, down to
    max_depth. A node's histogram is built from its rows only where it is the smaller child, the larger child's being
    its parent's minus it, as in the studio (the subtraction rounds too). Leaf values are the Newton step
    -G / (H + lambda) times the learning rate.

    Returns the tree as portable.json holds it and, per leaf, the rows that reached it."""
    leafwise = rules["growth"] == "leafwise"
    max_depth = rules["max_depth"]
    max_leaves = rules["max_leaves"] if leafwise else math.inf
    capacity = 2 * max(1, min(rules["max_leaves"] if leafwise else 2 ** min(max_depth, 30), bins.rows)) - 1
    least = rules["least_hessian"]
    nodes = []

    def new_node(node_rows, depth, G, H):
        nodes.append({"rows": node_rows, "depth": depth, "G": G, "H": H, "split": None, "hist": None, "left": 0})
        return len(nodes) - 1

    def evaluate(i):
        node = nodes[i]
        node["split"] = _boosted_split(bins, node["hist"], feats, node["G"], node["H"], len(node["rows"]), rules)
        if node["split"] is None:
            node["hist"] = None
        return node["split"] is not None

    opened = []
    weights = np.stack([grad, hess])
    if max_depth > 0 and max_leaves > 1 and len(feats) > 0:
        hist = _histogram(bins, feats, rows, weights)
        first = slice(bins.start[feats[0]], bins.start[feats[0]] + bins.missing[feats[0]] + 1)
        new_node(rows, 0, _sum_in_order(hist[0][first]), _sum_in_order(hist[1][first]))  # the root's sums: its histogram's
        nodes[0]["hist"] = hist
        if evaluate(0):
            opened.append(0)
    else:
        new_node(rows, 0, _sum_in_order(grad[rows]), _sum_in_order(hess[rows]))
    leaves = 1
    while opened and leaves < max_leaves and len(nodes) + 2 <= capacity:
        pick = len(opened) - 1
        if leafwise:
            pick = 0
            for i in range(1, len(opened)):
                if nodes[opened[i]]["split"]["gain"] > nodes[opened[pick]]["split"]["gain"]:
                    pick = i
        parent = nodes[opened[pick]]
        last = opened.pop()
        if pick < len(opened):
            opened[pick] = last
        s = parent["split"]
        left = _goes_left_bins(bins, s, parent["rows"])
        depth = parent["depth"] + 1
        parent["left"] = new_node(parent["rows"][left], depth, s["g_left"], s["h_left"])
        new_node(parent["rows"][~left], depth, parent["G"] - s["g_left"], parent["H"] - s["h_left"])  # the right child, next
        leaves += 1
        l, r = nodes[-2], nodes[-1]
        # children that cannot split get no histogram
        if depth < max_depth and leaves < max_leaves and (not l["H"] < 2 * least or not r["H"] < 2 * least):
            small, large = (l, r) if len(l["rows"]) <= len(r["rows"]) else (r, l)
            small["hist"] = _histogram(bins, feats, small["rows"], weights)
            large["hist"] = parent["hist"] - small["hist"]
            for child in (len(nodes) - 2, len(nodes) - 1):
                if evaluate(child):
                    opened.append(child)
        parent["hist"] = None
    return _boosted_portable(bins, nodes, rules), [(i, n["rows"]) for i, n in enumerate(nodes) if n["left"] == 0]


def _boosted_portable(bins, nodes, rules):
    """grow.ts toTree, in portable.json's form: thresholds as raw values (bin upper edges; None for +Infinity), a
    categorical split as its column's category count and the bitset of its left categories, leaf values shrunk."""
    tree = {"feature": [], "threshold": [], "missingLeft": [], "left": [], "right": [], "value": []}
    cat_start, cat_bits = [0], []
    for node in nodes:
        s = node["split"] if node["left"] else None
        tree["feature"].append(s["feature"] if s else -1)
        tree["missingLeft"].append(1 if s and s["missing_left"] else 0)
        tree["left"].append(node["left"])
        tree["right"].append(node["left"] + 1 if s else 0)
        threshold, value = 0.0, 0.0
        if s and s["left_bins"] is not None:
            categories = int(bins.categories[s["feature"]])
            threshold = float(categories)
            words = [0] * ((categories + 31) // 32)
            for c in range(categories):
                if s["left_bins"][c]:
                    words[c >> 5] |= 1 << (c & 31)
            cat_bits.extend(words)
        elif s:
            threshold = bins.threshold(s["feature"], s["bin"])
        else:
            d = node["H"] + rules["lambda"]
            value = rules["learning_rate"] * (-node["G"] / d if d > 0 else 0.0)
        tree["threshold"].append(None if threshold == math.inf else threshold)
        tree["value"].append(value)
        cat_start.append(len(cat_bits))
    if cat_bits:
        tree["catStart"], tree["catBits"] = cat_start, cat_bits
    return tree


def _base_score(task, y, w):
    """server/models/gbdt/objective.ts baseScore: the log-odds of the weighted positive rate (binary), the log of the
    weighted class priors (multiclass), the weighted mean (regression); rates clipped to [1e-7, 1 - 1e-7]."""
    clip = lambda p: min(max(p, 1e-7), 1 - 1e-7)  # noqa: E731
    total = _sum_in_order(w)
    if task["type"] == "multiclass":
        return [_js_log(clip(_sum_in_order(w[y == c]) / total)) for c in range(len(task["classes"]))]
    mean = _sum_in_order(w * y) / total
    return [mean] if task["type"] == "regression" else [_js_log(clip(mean) / (1 - clip(mean)))]


def _gradients(task, raw, exps, y, w, refresh):
    """objective.ts gradients: per output (k, n) the gradients and hessians of the loss at the raw scores (n, k), times
    the row weights; hessians at least 1e-16. Log-loss and softmax read exp(raw) from `exps`, which the studio keeps
    up to date by multiplying in each leaf's exp and recomputes (in place here too) every 10 rounds (`refresh`) and
    for any row whose kept value left [1e-250, 1e250]. The softmax hessian is k / (k - 1) p (1 - p), as LightGBM's."""
    if task["type"] == "regression":
        return ((raw[:, 0] - y) * w)[None, :], w[None, :].copy()
    with np.errstate(all="ignore"):
        if task["type"] == "binary":
            e = exps[:, 0]
            redo = refresh | ~((e > 1e-250) & (e < 1e250))
            e[redo] = _js_exp(raw[redo, 0])
            p = np.where(e == np.inf, 1.0, e / (1 + e))
            h = p * (1 - p)
            return ((p - y) * w)[None, :], (np.where(h > 1e-16, h, 1e-16) * w)[None, :]
        k = raw.shape[1]
        total = exps[:, 0].copy()
        for c in range(1, k):
            total = total + exps[:, c]
        redo = refresh | ~((total > 1e-250) & (total < 1e250))
        if redo.any():
            shifted = _js_exp(raw[redo] - raw[redo].max(axis=1, keepdims=True))
            s = shifted[:, 0].copy()
            for c in range(1, k):
                s = s + shifted[:, c]
            exps[redo] = shifted
            total[redo] = 1 / (1 / s)  # the studio keeps the sum as 1 / (1 / sum)
        p = exps * (1 / total)[:, None]
        grad = np.where(np.arange(k)[None, :] == y[:, None], p - 1, p) * w[:, None]
        h = k / (k - 1) * p * (1 - p)
        return grad.T.copy(), (np.where(h > 1e-16, h, 1e-16) * w[:, None]).T.copy()


# server/models/gbdt/space.ts GbdtParams: the values of hyperparameters a candidate leaves out
_GBDT_DEFAULTS = {
    "learning_rate": 0.1, "growth": "leafwise", "max_leaves": 31, "min_child_weight": 1.0, "subsample": 1.0,
    "colsample_bytree": 1.0, "lambda": 1.0, "min_split_gain": 0.0, "max_bins": 255,
}


def _categorical_columns(model):
    """Per column, its category count where the portable model splits on it as categories, else None: a stand-in for
    the studio's FitInput.categorical (a categorical column no tree split on is missed)."""
    counts = [None] * model["features"]
    for t in model["trees"]:
        starts = t.get("catStart")
        if starts:
            for i, f in enumerate(t["feature"]):
                if starts[i + 1] > starts[i]:
                    counts[f] = int(t["threshold"][i])
    return counts


def _fit_boosted(spec, X, y, task, seed, w):
    """server/models/gbdt/fit.ts fitGbdt with ctx.epochs: exactly spec["epochs"] rounds, no early stopping. Every round
    draws its row sample (subsample: each row of weight > 0 kept with that probability), then per output a column
    sample (colsample_bytree) and a tree grown on the gradients, whose leaf values are added to the raw scores; then
    the next round's gradients. The generator is seeded with derive_seed(seed, "gbdt", "sampling"), the bin edges'
    sample with derive_seed(seed, "gbdt", "bins")."""
    hp = {**_GBDT_DEFAULTS, **spec["hyperparameters"]}
    leafwise = hp["growth"] == "leafwise"
    rules = {
        "growth": hp["growth"],
        "max_depth": int(hp["max_depth"]) if hp.get("max_depth") is not None else (math.inf if leafwise else 6),
        "max_leaves": int(hp["max_leaves"]),
        "learning_rate": float(hp["learning_rate"]),
        "lambda": float(hp["lambda"]),
        "least_hessian": max(float(hp["min_child_weight"]), 1e-6),
        "min_split_gain": float(hp["min_split_gain"]),
    }
    n = X.shape[0]
    categorical = spec.get("categorical") or _categorical_columns(spec["model"])
    bins = _Bins(X, int(hp["max_bins"]), derive_seed(seed, "gbdt", "bins"), categorical)
    k = len(task["classes"]) if task["type"] == "multiclass" else 1
    base = _base_score(task, y, w)
    raw = np.tile(np.asarray(base, dtype=np.float64), (n, 1))
    exps = np.zeros((n, k))
    grad, hess = _gradients(task, raw, exps, y, w, True)
    rng = StudioRng(derive_seed(seed, "gbdt", "sampling"))
    weighted = np.flatnonzero(w > 0)  # rows of weight 0 are never in a sample
    pool = list(bins.splittable)
    take = len(pool)
    if hp["colsample_bytree"] < 1:
        take = min(len(pool), max(1, _js_round(hp["colsample_bytree"] * len(pool))))
    trees = []
    for rnd in range(1, int(spec["epochs"]) + 1):
        in_bag = weighted if hp["subsample"] >= 1 else weighted[rng.uniforms(weighted.size) < hp["subsample"]]
        out_of_bag = np.setdiff1d(np.arange(n), in_bag, assume_unique=True)
        for c in range(k):
            feats = pool  # sampling.ts FeatureSampler: a partial shuffle of the pool, which later draws shuffle further
            if take < len(pool):
                u = rng.uniforms(take)
                for i in range(take):
                    j = i + int(u[i] * (len(pool) - i))
                    pool[i], pool[j] = pool[j], pool[i]
                feats = sorted(pool[:take])
            tree, leaf_rows = _boosted_tree(bins, in_bag, grad[c], hess[c], np.asarray(feats, dtype=np.int64), rules)
            values = np.asarray(tree["value"])
            factors = np.ones_like(values) if task["type"] == "regression" else _js_exp(values)  # regression keeps no exps
            for leaf, rows in leaf_rows:
                raw[rows, c] += values[leaf]
                exps[rows, c] *= factors[leaf]
            if out_of_bag.size:  # rows outside the sample walk the tree on their values (scores.ts walkTree)
                nodes, roots = _flat_trees({"family": "gbdt", "outputs": 1, "trees": [tree]})
                leaf = _leaves(nodes, roots, X[out_of_bag])[:, 0]
                raw[out_of_bag, c] += values[leaf]
                exps[out_of_bag, c] *= factors[leaf]
            trees.append(tree)
        grad, hess = _gradients(task, raw, exps, y, w, rnd % 10 == 0)
    return _portable("gbdt", task, X.shape[1], k, base, trees)


def _portable(family, task, features, outputs, base_score, trees):
    """A portable.json dict (server/export/portable/trees-format.ts)."""
    return {
        "kind": "trees", "family": family, "task": {"type": task["type"], "classes": list(task["classes"])},
        "features": features, "outputs": outputs, "baseScore": base_score, "trees": trees,
    }


class _ForestGrower:
    """server/models/forest/grow.ts ForestGrower: randomized trees on the binned rows, one multi-output tree per
    bootstrap sample. A node scores sum_c G_c^2 / H over its outputs (G_c the weighted target sums, H the weight: the
    variance reduction, and for one-hot classes the Gini decrease); multiclass keeps k - 1 target channels, the last
    class's sums being H less the others'. Nodes are split depth-first (left child first) from a stack; each draws
    max_features columns by a partial shuffle of one column order shared by every node of every tree, and scans the
    rest of the columns when none of those splits. Extra trees draw one threshold per column between the node's
    lowest and highest bin. A node stays a leaf when its targets agree, at max_depth, when it cannot give each child
    min_samples_leaf of weight, or when no split beats it by more than rounding.

    Node by node, each split's draws follow the last one's, so nodes are grown one at a time, in the studio's order.
    A random forest whose max_features covers every column draws nothing per node: its trees grow a level at a time
    (_grow_by_level), to the same trees, much faster on deep trees."""

    def __init__(self, bins, rules, channels, outputs, offset, rng):
        self.bins, self.rules, self.rng = bins, rules, rng
        self.channels, self.outputs, self.offset = channels, outputs, offset
        self.perm = list(bins.splittable)

    def grow(self, rows, targets, weight, y):
        """A tree over the rows `rows` (ascending, weight > 0) with per-row weights and per channel targets times
        weight; y (class codes or values) tells pure nodes. Returns it as portable.json holds it."""
        self.targets, self.weight = targets, weight
        if self.rules["max_features"] >= len(self.perm) and not self.rules["random_thresholds"]:
            return self._grow_by_level(rows, y)
        tree = {"feature": [], "threshold": [], "missingLeft": [], "left": [], "right": [], "value": []}

        def new_node():
            for key in ("feature", "threshold", "missingLeft", "left", "right"):
                tree[key].append(-1 if key == "feature" else 0)
            tree["value"].extend([0.0] * self.outputs)
            return len(tree["feature"]) - 1

        stack = [(new_node(), rows, 0)]
        while stack:
            node, node_rows, depth = stack.pop()
            G = np.cumsum(targets[:, node_rows], axis=1)[:, -1]  # sums in row order, as the studio adds them
            H = _sum_in_order(weight[node_rows])
            values = y[node_rows]
            can_split = values.min() < values.max() and depth < self.rules["max_depth"] and H >= 2 * self.rules["min_leaf"]
            split = self._find_split(node_rows, G, H) if can_split and self.perm else None
            if split is None:
                self._set_leaf(tree, node, G, H)
                continue
            f, b, missing_left = split
            c = self.bins.codes(f, node_rows)
            left = (c <= b) | ((c == self.bins.missing[f]) & missing_left)
            tree["feature"][node], tree["missingLeft"][node] = f, int(missing_left)
            tree["threshold"][node] = self.bins.threshold(f, b)
            tree["left"][node] = new_node()
            tree["right"][node] = new_node()
            stack.append((tree["right"][node], node_rows[~left], depth + 1))
            stack.append((tree["left"][node], node_rows[left], depth + 1))
        tree["threshold"] = [None if t == math.inf else t for t in tree["threshold"]]
        return tree

    def _set_leaf(self, tree, node, G, H):
        """grow.ts setLeaf: node's values in the tree being built."""
        at = node * self.outputs
        tree["value"][at:at + self.outputs] = self._leaf_values(G, H)

    def _leaf_values(self, G, H):
        """A leaf's values: the mean target per channel (plus the regression offset), the derived last class 1 less
        the others."""
        values, total = [], 0.0
        for c in range(self.channels):
            v = float(G[c]) / H if H > 0 else 0.0
            values.append(v)
            total += v
        values[0] += self.offset
        if self.outputs > self.channels:
            values.append(max(0.0, 1 - total))
        return values

    def _score(self, g, h):
        """sum over outputs of g^2 / h, the derived last output included: a node's (or a side's) score, vectorised"""
        s, total = g[0] * g[0], g[0]
        for c in range(1, self.channels):
            s, total = s + g[c] * g[c], total + g[c]
        if self.outputs > self.channels:
            s = s + (h - total) * (h - total)
        return s / h

    def _find_split(self, rows, G, H):
        """grow.ts findSplit: draws the node's columns and scans them, the rest of them where none splits; returns
        (column, bin, missing_left) or None."""
        perm, take = self.perm, min(self.rules["max_features"], len(self.perm))
        if take < len(perm):
            u = self.rng.uniforms(take)
            for i in range(take):
                j = i + int(u[i] * (len(perm) - i))
                perm[i], perm[j] = perm[j], perm[i]
        parent = self._score(G, H) if H > 0 else 0.0
        best = parent + 1e-12 * abs(parent)  # a split must beat the parent by more than rounding
        found = self._scan(np.array(perm[:take]), rows, G, H, best)
        if found is None and take < len(perm):
            found = self._scan(np.array(perm[take:]), rows, G, H, best)
        return found

    def _scan(self, feats, rows, G, H, best):
        """grow.ts scanFeatures, scanBest and scanRandom: the columns' candidate splits in the studio's order, the first
        of the best that beats `best`: every threshold (_threshold_candidates), or for extra trees one drawn per
        column, with missing values right then left."""
        weights = np.vstack([self.targets, self.weight[None, :]])
        hist = _histogram(self.bins, feats, rows, weights)
        found = (self._random_candidates if self.rules["random_thresholds"] else self._every_threshold)(hist, feats, H)
        if found is None:
            return None
        g, h, key, at, b, missing_left = found
        total = self._score(g, h) + self._score(G[:, None] - g, H - h)
        if total.size == 0 or not total.max() > best:
            return None
        pick = _first_best(total, key)
        return int(feats[at[pick]]), int(b[pick]), bool(missing_left[pick])

    def _every_threshold(self, hist, feats, H):
        """grow.ts scanBest: every threshold of the columns, as _threshold_candidates scans them."""
        return _threshold_candidates(self.bins, hist, feats, H, self.rules["min_leaf"], forest=True)

    def _random_candidates(self, hist, feats, H):
        """grow.ts scanRandom: per column, one threshold drawn uniformly among the bins from the node's lowest to its
        highest value bin (less the last, so both sides hold values; no draw where they are one bin), missing values
        right, then where the node has some left. A column whose rows all share one value bin can only split its
        missing values off."""
        bins, least = self.bins, self.rules["min_leaf"]
        nf = len(feats)
        lo, hi, has = np.full(nf, -1), np.full(nf, -1), np.zeros(nf, bool)
        groups = []
        for at, width in bins.groups(feats):
            f = feats[at]
            sums, missing = hist[:, bins.value_bins[f, :width]], hist[:, bins.start[f] + bins.missing[f]]
            filled = sums[-1] > 0  # padding bins are empty
            lo[at] = np.where(filled.any(axis=1), np.argmax(filled, axis=1), -1)
            hi[at] = width - 1 - np.argmax(filled[:, ::-1], axis=1)
            has[at] = missing[-1] > 0
            groups.append((at, np.cumsum(sums, axis=2), missing))
        cut = np.full(nf, -1)
        for i in range(nf):  # the draws, column by column in scan order
            if lo[i] >= 0 and (lo[i] < hi[i] or has[i]):
                cut[i] = lo[i] + int(self.rng.uniforms(1)[0] * (hi[i] - lo[i])) if lo[i] < hi[i] else hi[i]
        parts = []
        for at, left, missing in groups:
            drawn = np.flatnonzero(cut[at] >= 0)
            sums = left[:, drawn, cut[at][drawn]]  # the bins up to the cut (those below the lowest are empty)
            parts.append((sums, at[drawn] * 2, at[drawn], cut[at][drawn], ~has[at][drawn] & (sums[-1] > H - sums[-1])))
            with_missing = drawn[has[at][drawn]]
            sums = left[:, with_missing, cut[at][with_missing]] + missing[:, with_missing]
            left_too = np.ones(with_missing.size, bool)
            parts.append((sums, at[with_missing] * 2 + 1, at[with_missing], cut[at][with_missing], left_too))
        sums, key, at, b, missing_left = [np.concatenate(arrays, axis=-1) for arrays in zip(*parts)]
        g, h = sums[:-1], sums[-1]
        ok = (h >= least) & (H - h >= least)
        return g[:, ok], h[ok], key[ok], at[ok], b[ok], missing_left[ok]

    def _grow_by_level(self, rows, y):
        """The same tree as grow(), where no node draws anything (a random forest whose max_features covers every
        column): then nodes split independently of each other, and each level of the tree is split at once. Per
        column, the level's rows are kept sorted by node, bin and row (`order`, partitioned stably as nodes split), so a
        node's bin sums are sums over runs of that list (np.bincount adds each in row order, in the studio's even and
        odd halves where it has them) and its thresholds' left sums prefix sums over its runs (_prefix_sums). At the
        end the nodes are numbered as the studio's depth-first growth numbers them."""
        bins, feats, rules = self.bins, np.asarray(self.perm, dtype=np.int64), self.rules
        weights = np.vstack([self.targets, self.weight[None, :]])
        order = np.zeros((0, rows.size), np.int64)
        if feats.size:
            order = np.stack([rows[np.argsort(bins.codes(f, rows), kind="stable")] for f in feats])
        halves_above = int(np.sum(bins.missing[feats] + 1))  # rows of a node beyond which the studio sums two halves
        levels, counts, depth = [], np.array([rows.size]), 0
        while counts.size:
            k = counts.size
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            node_of = np.repeat(np.arange(k), counts)
            # each node's sums, added in row order
            at = (node_of + np.arange(len(weights))[:, None] * k).ravel()
            sums = np.bincount(at, weights[:, rows].ravel(), minlength=len(weights) * k).reshape(len(weights), k)
            G, H = sums[:-1], sums[-1]
            mixed = np.minimum.reduceat(y[rows], starts) < np.maximum.reduceat(y[rows], starts)
            can = mixed & (depth < rules["max_depth"]) & (H >= 2 * rules["min_leaf"]) & (feats.size > 0)
            level = {"G": G, "H": H, "feature": np.full(k, -1), "bin": np.zeros(k, np.int64)}
            level["missing_left"], level["child"] = np.zeros(k, bool), np.zeros(k, np.int64)
            levels.append(level)
            if not can.any():
                break
            # the nodes that may split, alone
            keep = can[node_of]
            rows, order, counts, index = rows[keep], order[:, keep], counts[can], np.flatnonzero(can)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            node_of = np.repeat(np.arange(counts.size), counts)
            found = self._level_splits(order, rows, counts, starts, node_of, G[:, index], H[index], halves_above)
            if found is None:
                break
            split, feature, cut, missing_left = found
            splitting = index[split]
            level["feature"][splitting], level["bin"][splitting] = feature[split], cut[split]
            level["missing_left"][splitting], level["child"][splitting] = missing_left[split], 2 * np.arange(splitting.size)
            # the rows of the nodes that split, partitioned stably into left then right children
            f = np.maximum(feature, 0)[node_of]
            c = bins.glob[rows, f] - bins.start[f]
            left_row = np.zeros(bins.rows, bool)
            left_row[rows] = (c <= cut[node_of]) | ((c == bins.missing[f]) & missing_left[node_of])
            moving = split[node_of]
            n_left = np.bincount(node_of, left_row[rows] & moving, minlength=counts.size).astype(np.int64)
            children = np.column_stack([n_left, counts - n_left])[split].ravel()
            child_start = np.concatenate([[0], np.cumsum(children)[:-1]])
            to_left, to_right = np.zeros(counts.size, np.int64), np.zeros(counts.size, np.int64)
            to_left[split], to_right[split] = child_start[0::2], child_start[1::2]
            new_rows = np.empty(int(children.sum()), np.int64)
            new_rows[_split_positions(left_row[rows], node_of, starts, to_left, to_right)[moving]] = rows[moving]
            new_order = np.empty((feats.size, new_rows.size), np.int64)
            at = _split_positions(left_row[order], node_of, starts, to_left, to_right)[:, moving]
            new_order[np.arange(feats.size)[:, None], at] = order[:, moving]
            rows, order, counts, depth = new_rows, new_order, children, depth + 1
        return self._number_depth_first(levels)

    def _level_splits(self, order, rows, counts, starts, node_of, G, H, halves_above):
        """The best split of every node of a level (see _grow_by_level), the first of equal scores in the studio's
        scan order (column, missing values right then left, bin). Returns (splits, feature, bin, missing_left) per
        node, or None where no node has a split."""
        bins, feats, least = self.bins, np.asarray(self.perm, dtype=np.int64), self.rules["min_leaf"]
        P, E, k = order.shape[0], order.shape[1], counts.size
        codes = bins.glob[order, feats[:, None]]
        boundary = np.ones((P, E), bool)
        boundary[:, 1:] = codes[:, 1:] != codes[:, :-1]
        boundary[:, starts] = True
        first = np.flatnonzero(boundary.ravel())  # each run's first element: runs by column, node, bin
        run = np.cumsum(boundary.ravel()) - 1
        rank = np.zeros(bins.rows, np.int64)
        rank[rows] = np.arange(E) - starts[node_of]
        half = ((rank[order] & 1) * (counts > halves_above)[node_of]).ravel()
        nw = len(G) + 1
        key = (run * 2 + half) + (np.arange(nw) * 2 * first.size)[:, None]
        weights = np.vstack([self.targets, self.weight[None, :]])
        sums = np.bincount(key.ravel(), weights[:, order.ravel()].ravel(), minlength=nw * 2 * first.size)
        sums = sums.reshape(nw, first.size, 2)
        sums = sums[:, :, 0] + sums[:, :, 1]
        column, node = first // E, node_of[first % E]
        t = codes.ravel()[first] - bins.start[feats[column]]
        m = bins.missing[feats[column]]
        seg = column * k + node
        missing_run = t == m
        missing = np.zeros((nw, P * k))
        missing[:, seg[missing_run]] = sums[:, missing_run]
        has = missing[-1] > 0
        v = np.flatnonzero(~missing_run)  # value runs, by segment then bin
        vseg, tv, mv, nv = seg[v], t[v], m[v], node[v]
        lengths = np.bincount(vseg, minlength=P * k)
        vstart = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        place = np.arange(v.size) - vstart[vseg]
        best = self._score(G, H)
        best = best + 1e-12 * np.abs(best)
        scans = [(_prefix_sums(sums[:, v], vseg, place, lengths), (tv <= mv - 2) | ((tv == mv - 1) & has[vseg]))]
        if has.any():
            scans.append((_prefix_sums(sums[:, v], vseg, place, lengths, missing), has[vseg] & (tv <= mv - 2)))
        seg_score, seg_at, seg_side = np.full(P * k, -np.inf), np.zeros(P * k, np.int64), np.zeros(P * k, np.int64)
        filled = lengths > 0
        for side, (left, in_range) in enumerate(scans):
            hl, hr = left[-1], H[nv] - left[-1]
            with np.errstate(all="ignore"):
                score = self._score(left[:-1], hl) + self._score(G[:, nv] - left[:-1], hr)
            score = np.where(in_range & (hl >= least) & (hr >= least), score, -np.inf)
            # per segment (column and node) its best, and the first run that has it
            top = np.full(P * k, -np.inf)
            top[filled] = np.maximum.reduceat(score, vstart[filled])
            at = np.zeros(P * k, np.int64)
            first_top = np.where(score == np.repeat(top, lengths), np.arange(v.size), v.size)
            at[filled] = np.minimum.reduceat(first_top, vstart[filled])
            better = top > seg_score  # missing values left only where strictly better
            seg_score, seg_at = np.where(better, top, seg_score), np.where(better, at, seg_at)
            seg_side = np.where(better, side, seg_side)
        column_best = np.argmax(seg_score.reshape(P, k), axis=0)
        s = column_best * k + np.arange(k)
        split = seg_score[s] > best
        if not split.any():
            return None
        at, side = np.minimum(seg_at[s], v.size - 1), seg_side[s]
        hl = np.where(side == 1, scans[-1][0][-1][at], scans[0][0][-1][at])
        missing_left = (side == 1) | (~has[s] & (hl > H - hl))
        return split, feats[column_best], tv[at], missing_left

    def _number_depth_first(self, levels):
        """The tree in portable.json's form from its levels (node i of a level that splits has children child[i] and
        child[i] + 1 in the next), numbered as grow.ts numbers nodes: depth-first, left first, each split's two
        children numbered when it splits."""
        tree = {"feature": [-1], "threshold": [0.0], "missingLeft": [0], "left": [0], "right": [0]}
        tree["value"] = [0.0] * self.outputs
        stack = [(0, 0, 0)]  # level, index in it, node number
        while stack:
            depth, i, node = stack.pop()
            level = levels[depth]
            f = int(level["feature"][i])
            if f < 0:
                self._set_leaf(tree, node, level["G"][:, i], float(level["H"][i]))
                continue
            left = len(tree["feature"])
            for key, value in (("feature", -1), ("threshold", 0.0), ("missingLeft", 0), ("left", 0), ("right", 0)):
                tree[key].extend([value, value])
            tree["value"].extend([0.0] * (2 * self.outputs))
            tree["feature"][node], tree["threshold"][node] = f, self.bins.threshold(f, int(level["bin"][i]))
            tree["missingLeft"][node] = int(level["missing_left"][i])
            tree["left"][node], tree["right"][node] = left, left + 1
            child = int(level["child"][i])
            stack.append((depth + 1, child + 1, left + 1))
            stack.append((depth + 1, child, left))
        tree["threshold"] = [None if t == math.inf else t for t in tree["threshold"]]
        return tree


def _split_positions(left, node_of, starts, to_left, to_right):
    """Where a stable partition of each node's span (along the last axis) sends its elements: its left ones, in
    order, from to_left[node] on, its right ones from to_right[node] on."""
    lefts = np.cumsum(left, axis=-1) - left  # left elements before each one
    before = lefts - lefts[..., starts][..., node_of]
    place = np.arange(left.shape[-1]) - starts[node_of]
    return np.where(left, to_left[node_of] + before, to_right[node_of] + place - before)


def _prefix_sums(values, seg, place, lengths, first=None):
    """For values (channels, n) sorted by segment (place: position in it; lengths: per segment), the sums of each
    segment's values up to each one, added one after another from first[:, segment] (else 0), as the studio's scans
    add them. Segments of similar length are padded into one table, so that np.cumsum adds along each row."""
    out = np.empty_like(values)
    size = np.ceil(np.log2(np.maximum(lengths, 1))).astype(np.int64)[seg]
    for c in np.unique(size):
        el = np.flatnonzero(size == c)
        new = np.ones(el.size, bool)
        new[1:] = seg[el][1:] != seg[el][:-1]
        row = np.cumsum(new) - 1
        table = np.zeros((values.shape[0], int(row[-1]) + 1, 2**c + 1))
        if first is not None:
            table[:, :, 0] = first[:, seg[el][new]]
        table[:, row, place[el] + 1] = values[:, el]
        out[:, el] = np.cumsum(table, axis=2)[:, row, place[el] + 1]
    return out


_FOREST_DEFAULTS = {"kind": "random_forest", "max_depth": None, "min_samples_leaf": 1, "max_bins": 255}


def _features_per_split(rule, task, cols):
    """forest/space.ts featuresPerSplit: sqrt or log2 of the columns, or a fraction of them; at least 1, rounded down."""
    rule = rule if rule is not None else (1 if task["type"] == "regression" else "sqrt")
    n = math.sqrt(cols) if rule == "sqrt" else math.log2(cols) if rule == "log2" else float(rule) * cols
    return max(1, min(cols, math.floor(n + 1e-9)))


def _fit_forest(spec, X, y, task, seed, w):
    """server/models/forest/fit.ts fitForest with ctx.epochs: exactly spec["epochs"] trees. Each tree draws its
    bootstrap sample as counts (n draws with replacement; none for extra trees by default) that multiply the row
    weights, then grows (_ForestGrower) on the same generator, seeded with derive_seed(seed, "forest", "trees"); the
    bin edges' sample with derive_seed(seed, "forest", "bins"). Regression grows on y less its mean."""
    hp = {**_FOREST_DEFAULTS, **spec["hyperparameters"]}
    n, cols = X.shape
    k = len(task["classes"]) if task["type"] == "multiclass" else 1
    channels = k - 1 if task["type"] == "multiclass" else 1
    bins = _Bins(X, int(hp["max_bins"]), derive_seed(seed, "forest", "bins"))
    mean = _sum_in_order(y) / n if task["type"] == "regression" else 0.0
    rules = {
        "max_depth": int(hp["max_depth"]) if hp["max_depth"] is not None else math.inf,
        "min_leaf": int(hp["min_samples_leaf"]),
        "max_features": _features_per_split(hp.get("max_features"), task, cols),
        "random_thresholds": hp["kind"] == "extra_trees",
    }
    bootstrap = hp.get("bootstrap", hp["kind"] == "random_forest")
    rng = StudioRng(derive_seed(seed, "forest", "trees"))
    grower = _ForestGrower(bins, rules, channels, k, mean, rng)
    trees = []
    for _ in range(int(spec["epochs"])):
        weight = np.ones(n)
        if bootstrap:  # n draws with replacement, as counts
            weight = np.bincount(np.floor(rng.uniforms(n) * n).astype(np.int64), minlength=n).astype(np.float64)
        weight = weight * w
        if task["type"] == "regression":
            targets = (weight * (y - mean))[None, :]
        else:
            positive = [1] if task["type"] == "binary" else range(channels)
            targets = np.stack([np.where(y == c, weight, 0.0) for c in positive])
        trees.append(grower.grow(np.flatnonzero(weight > 0), targets, weight, y))
    return _portable("forest", task, cols, k, [], trees)


class RetrainedTrees:
    """A gbdt or forest retrained with the studio's algorithm. .portable is the model as portable.json would hold it
    (compare its trees with the studio's); predict(X) gives the studio's shapes: (n, k) probabilities with a column per
    class in task order, or (n,) values."""

    def __init__(self, portable, task):
        self.portable = portable
        self.task = task

    def predict(self, X):
        return predict_trees(self.portable, X, self.task)


def retrain_trees(spec, X, y, task, seed, sample_weight=None):
    """Retrains a gbdt or forest candidate from scratch with the studio's own algorithm (server/models/gbdt and
    server/models/forest, step for step in NumPy) for spec["epochs"] boosting rounds / trees, without early stopping.
    Given the rows the studio trained the model on, in the same order, and the seed it trained with, this rebuilds
    the studio's trees node for node: a refit trained with derive_seed(run seed, "train", trial number, "refit"), a
    model kept from its first fold with the manifest's trainingSeed.

    spec: {"family", "hyperparameters" (the family's own), "epochs", "model" (portable.json), optionally "categorical"
    (per column, its category count where the studio split it as categories (FitInput.categorical), else None; absent,
    the columns the portable model splits as categories)}. sample_weight: the studio's class weights, or None. Returns a
    RetrainedTrees."""
    X = np.asarray(X, dtype=np.float32)
    # targets are float32 in the studio: class codes, or values rounded to float32
    y = np.asarray(y, dtype=np.float32).astype(np.float64)
    w = np.ones(X.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32).astype(np.float64)
    fit = _fit_boosted if spec["family"] == "gbdt" else _fit_forest
    return RetrainedTrees(fit(spec, X, y, task, seed, w), task)
