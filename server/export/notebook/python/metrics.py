import numpy as np

METRICS_BY_TASK = {
    "binary": ["auc", "pr_auc", "logloss", "accuracy", "balanced_accuracy", "f1"],
    "multiclass": ["logloss", "accuracy", "balanced_accuracy"],
    "regression": ["rmse", "mae", "r2"],
}

METRIC_DIRECTION = {
    "auc": "max",
    "pr_auc": "max",
    "logloss": "min",
    "accuracy": "max",
    "balanced_accuracy": "max",
    "f1": "max",
    "rmse": "min",
    "mae": "min",
    "r2": "max",
}

# how far a retrained model's score may land from the studio's (see within_tolerance): ("absolute", bound) for scores
# on a fixed scale (AUC, average precision, log loss, the accuracies, F1, R², which compares errors to the target's
# own variance), ("relative", fraction of the studio's score) for errors in the target's units (RMSE, MAE)
RETRAIN_TOLERANCE = {
    "auc": ("absolute", 0.02),
    "pr_auc": ("absolute", 0.02),
    "logloss": ("absolute", 0.02),
    "accuracy": ("absolute", 0.02),
    "balanced_accuracy": ("absolute", 0.02),
    "f1": ("absolute", 0.02),
    "r2": ("absolute", 0.02),
    "rmse": ("relative", 0.02),
    "mae": ("relative", 0.02),
}

# probabilities are clipped here before the log in the log loss
LOGLOSS_EPS = 1e-15


def score(metric, y, preds, task, threshold=None):
    """The studio's score of predictions against the truth (server/automl/estimation/metrics.ts), scikit-learn's definitions.

    y: class codes (classification) or targets (regression); preds: (n, k) probabilities (binary: column 1 is the
    positive class) or (n,) values. Both are read as float32, as the studio holds them, and every sum runs left to
    right in row order, as the studio's do, so the results agree to the last bits. Classification decisions are the
    first most probable class, or for a binary task with `threshold`, p1 >= threshold compared as float32. AUC gives
    tied scores their average rank; average precision steps at each distinct score. A metric undefined for the data
    (AUC with one class present, no rows) is NaN.
    """
    if metric not in METRICS_BY_TASK[task["type"]]:
        raise ValueError(f"metric {metric} does not apply to a {task['type']} task")
    y = np.asarray(y, dtype=np.float32).astype(np.float64).reshape(-1)
    pred = np.asarray(preds, dtype=np.float32).astype(np.float64)
    n = len(y)
    if n == 0:
        return float("nan")
    if task["type"] == "regression":
        pred = pred.reshape(-1)
        if metric == "rmse":
            return float(np.sqrt(_metric_mean((y - pred) ** 2)))
        if metric == "mae":
            return float(_metric_mean(np.abs(y - pred)))
        return _metric_r2(y, pred)
    codes = y.astype(np.int64)
    if metric == "auc":
        return _metric_roc_auc(codes, pred[:, 1])
    if metric == "pr_auc":
        return _metric_average_precision(codes, pred[:, 1])
    if metric == "logloss":
        p = pred[np.arange(n), codes]
        return float(_metric_mean(-np.log(np.minimum(np.maximum(p, LOGLOSS_EPS), 1 - LOGLOSS_EPS))))
    if task["type"] == "binary" and threshold is not None:
        decided = (np.asarray(preds, dtype=np.float32)[:, 1] >= np.float32(threshold)).astype(np.int64)
    else:
        decided = pred.argmax(axis=1)
    if metric == "accuracy":
        return float(_metric_mean((decided == codes).astype(np.float64)))
    if metric == "balanced_accuracy":
        support = np.bincount(codes, minlength=pred.shape[1]).astype(np.float64)
        hits = np.bincount(codes[decided == codes], minlength=pred.shape[1]).astype(np.float64)
        present = support > 0
        return float(_metric_sum(hits[present] / support[present]) / present.sum())
    tp = int(((decided == 1) & (codes == 1)).sum())
    fp = int(((decided == 1) & (codes != 1)).sum())
    fn = int(((decided != 1) & (codes == 1)).sum())
    return 0.0 if 2 * tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def within_tolerance(metric, studio, replayed):
    """Whether a retrained model's score `replayed` is close enough to the studio's `studio` (RETRAIN_TOLERANCE).

    Either side: a retrained model much better than the studio's is not the same model either.
    """
    kind, bound = RETRAIN_TOLERANCE[metric]
    allowed = bound if kind == "absolute" else bound * abs(studio)
    return bool(abs(replayed - studio) <= allowed)


def _metric_sum(v):
    """sum of v from left to right (a cumulative sum is sequential; numpy's sum is pairwise)"""
    return np.cumsum(v)[-1] if len(v) else 0.0


def _metric_mean(v):
    return _metric_sum(v) / len(v)


def _metric_tie_groups(s):
    """the sorted scores' runs of equal values: (start, end) index arrays, end exclusive"""
    starts = np.flatnonzero(np.r_[True, s[1:] != s[:-1]])
    return starts, np.r_[starts[1:], len(s)]


def _metric_roc_auc(y, s):
    """Area under the ROC curve as the Mann-Whitney U statistic, tied scores sharing their average rank."""
    order = np.argsort(s, kind="stable")
    positive = y[order] == 1
    starts, ends = _metric_tie_groups(s[order])
    # ranks are 1-based; a run's members share the mean of its ranks
    rank = np.repeat((starts + ends - 1) / 2 + 1, ends - starts)
    pos = int(positive.sum())
    neg = len(y) - pos
    if pos == 0 or neg == 0:
        return float("nan")
    return float((_metric_sum(rank[positive]) - pos * (pos + 1) / 2) / (pos * neg))


def _metric_average_precision(y, s):
    """Average precision: sum over distinct scores, high to low, of (recall - previous recall) * precision."""
    total = int((y == 1).sum())
    if total == 0:
        return float("nan")
    order = np.argsort(-s, kind="stable")
    starts, ends = _metric_tie_groups(s[order])
    tp = np.cumsum(y[order] == 1)[ends - 1].astype(np.float64)
    recall = tp / total
    previous = np.r_[0.0, recall[:-1]]
    return float(_metric_sum((recall - previous) * (tp / ends)))


def _metric_r2(y, pred):
    """Coefficient of determination; with a constant target, 1 for a perfect fit and 0 otherwise (as scikit-learn)."""
    mean = _metric_mean(y)
    ss_res = _metric_sum((y - pred) ** 2)
    ss_tot = _metric_sum((y - mean) ** 2)
    if ss_tot == 0:
        return 1.0 if ss_res == 0 else 0.0
    return float(1 - ss_res / ss_tot)
