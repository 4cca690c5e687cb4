import numpy as np

# the studio's constants (server/automl/calibration): isotonic outputs stay this far inside (0, 1); Platt clips its
# input probabilities here before the logit; temperature scaling floors probabilities here before the log
ISOTONIC_CLIP = 1e-6
PLATT_LOGIT_CLIP = 1e-7
TEMPERATURE_PROB_FLOOR = 1e-15


def apply_calibration(state, probs, task):
    """The calibrated probabilities of probs (n, k), as the studio applies calibration.json.

    state is the parsed calibration.json, or None for a model without one (regression, older archives): then probs
    are returned as they are. The studio holds probabilities in float32 and computes each calibrated value in float64
    from them, storing it in float32 again; so does this function. Kinds:
    - "none": unchanged.
    - "platt" (binary): p1' = sigmoid(a * logit(clip(p1, 1e-7, 1 - 1e-7)) + b), p0' = 1 - p1'.
    - "isotonic" (binary): p1' = the fitted step function (breakpoints x, y) at p1, linearly interpolated between
      breakpoints and held flat outside them, then clipped to [1e-6, 1 - 1e-6]; p0' = 1 - p1'.
    - "temperature" (multiclass): softmax(log(max(p, 1e-15)) / t) per row.
    """
    if state is None:
        return np.asarray(probs, dtype=np.float64)
    p = np.asarray(probs, dtype=np.float32).astype(np.float64)
    kind = state["kind"]
    if kind == "none":
        return p
    if kind == "temperature":
        logp = np.log(np.maximum(p, TEMPERATURE_PROB_FLOOR)) * (1 / state["t"])
        top = logp.max(axis=1, keepdims=True)
        lse = top + np.log(np.exp(logp - top).sum(axis=1, keepdims=True))
        return _calibration_float32(np.exp(logp - lse))
    if p.shape[1] != 2:
        raise ValueError(f"calibration: {kind} is for binary tasks, got {p.shape[1]} classes")
    if kind == "platt":
        q = np.clip(p[:, 1], PLATT_LOGIT_CLIP, 1 - PLATT_LOGIT_CLIP)
        p1 = _calibration_sigmoid(state["a"] * np.log(q / (1 - q)) + state["b"])
    elif kind == "isotonic":
        p1 = np.clip(_calibration_isotonic(np.asarray(state["x"], dtype=np.float64), np.asarray(state["y"], dtype=np.float64), p[:, 1]), ISOTONIC_CLIP, 1 - ISOTONIC_CLIP)
    else:
        raise ValueError(f"calibration: unknown kind {kind!r}")
    p1 = _calibration_float32(p1)
    return np.column_stack([_calibration_float32(1 - p1), p1])


def decide(state, probs, task):
    """The class code of each row of (calibrated) probs, as the studio decides.

    Binary: 1 where p1 >= the tuned threshold (calibration.json's "threshold", 0.5 when absent or without a
    calibration), both compared as float32 as the studio stores them (a threshold of 0.35 then includes a row of
    0.35). Otherwise: the first class with the highest probability.
    """
    p = np.asarray(probs, dtype=np.float32)
    if p.shape[1] == 2:
        threshold = (state or {}).get("threshold")
        threshold = np.float32(0.5 if threshold is None else threshold)
        return (p[:, 1] >= threshold).astype(np.int64)
    return p.argmax(axis=1).astype(np.int64)


def _calibration_float32(v):
    """v rounded to float32 (how the studio stores probabilities), as float64"""
    return np.asarray(v, dtype=np.float32).astype(np.float64)


def _calibration_sigmoid(z):
    """1 / (1 + e^-z) without overflow: e^z / (1 + e^z) for negative z."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _calibration_isotonic(x, y, s):
    """The isotonic fit (breakpoints x strictly increasing, y) at scores s, as the studio reads it."""
    # the last breakpoint at or below each score; interpolate towards the next one
    lo = np.clip(np.searchsorted(x, s, side="right") - 1, 0, len(x) - 1)
    hi = np.minimum(lo + 1, len(x) - 1)
    span = np.where(hi > lo, x[hi] - x[lo], 1.0)
    between = y[lo] + ((y[hi] - y[lo]) * (s - x[lo])) / span
    out = np.where(s == x[lo], y[lo], between)
    return np.where(s <= x[0], y[0], np.where(s >= x[-1], y[-1], out))
