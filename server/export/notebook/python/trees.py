import math

import numpy as np
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

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


class RetrainedTrees:
    """A scikit-learn model retrained with a studio candidate's settings. predict(X) gives the studio's shapes:
    (n, k) probabilities with a column per class in task order (0 for a class absent from training), or (n,) values."""

    def __init__(self, estimator, prepare, task):
        self.estimator = estimator
        self.prepare = prepare
        self.task = task

    def predict(self, X):
        X = self.prepare(np.asarray(X, dtype=np.float32))
        if self.task["type"] == "regression":
            return self.estimator.predict(X).astype(np.float64)
        proba = self.estimator.predict_proba(X)
        out = np.zeros((X.shape[0], len(self.task["classes"])))
        out[:, self.estimator.classes_.astype(np.int64)] = proba
        return out


def _categorical_columns(model):
    """{column: category count} of the columns the studio split on as sets of categories, read from the portable
    model's categorical splits (their threshold is the category count)."""
    counts = {}
    for t in model["trees"]:
        starts = t.get("catStart")
        if starts:
            for i, f in enumerate(t["feature"]):
                if starts[i + 1] > starts[i]:
                    counts[f] = int(t["threshold"][i])
    return counts


def _boosting(spec, task, seed):
    """scikit-learn's HistGradientBoosting with the gbdt family's settings, and the input preparation it needs."""
    hp = spec["hyperparameters"]
    k = len(task["classes"])
    # largest hessian one row can carry: min_child_weight / that is the fewest rows a leaf can have in the studio
    row_hessian = {"regression": 1.0, "binary": 0.25}.get(task["type"], 0.25 * k / max(k - 1, 1))
    max_bins = min(int(hp.get("max_bins", 255)), 255)
    categories = {j: n for j, n in _categorical_columns(spec["model"]).items() if n <= max_bins}
    depthwise = hp.get("growth", "leafwise") == "depthwise"
    settings = dict(
        learning_rate=float(hp.get("learning_rate", 0.1)),
        max_iter=int(spec["epochs"]),
        max_leaf_nodes=None if depthwise else int(hp.get("max_leaves", 31)),
        max_depth=int(hp.get("max_depth", 6)) if depthwise or "max_depth" in hp else None,
        min_samples_leaf=max(1, math.ceil(float(hp.get("min_child_weight", 1.0)) / row_hessian)),
        l2_regularization=float(hp.get("lambda", 1.0)),
        max_bins=max_bins,
        categorical_features=[j in categories for j in range(spec["model"]["features"])] if categories else None,
        early_stopping=False,
        random_state=seed,
    )
    regression = task["type"] == "regression"
    estimator = (HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier)(**settings)

    def prepare(X):
        # the studio reads any value of a categorical column that is not a code 0..n-1 as missing: say so to sklearn
        X = X.copy()
        for j, n in categories.items():
            col = X[:, j]
            X[~((col >= 0) & (col < n) & (np.floor(col) == col)), j] = np.nan
        return X

    return estimator, prepare


def _forest(spec, task, seed, X):
    """scikit-learn's RandomForest / ExtraTrees with the forest family's settings, and the input preparation it
    needs."""
    hp = spec["hyperparameters"]
    classify = task["type"] != "regression"
    kind = hp.get("kind", "random_forest")
    max_features = hp.get("max_features", "sqrt" if classify else 1.0)
    model = {
        ("random_forest", True): RandomForestClassifier,
        ("random_forest", False): RandomForestRegressor,
        ("extra_trees", True): ExtraTreesClassifier,
        ("extra_trees", False): ExtraTreesRegressor,
    }[(kind, classify)]
    estimator = model(
        n_estimators=int(spec["epochs"]),
        # a number is a fraction of the columns (1 means all of them, which sklearn reads as a float only)
        max_features=max_features if isinstance(max_features, str) else float(max_features),
        max_depth=hp.get("max_depth"),
        min_samples_leaf=int(hp.get("min_samples_leaf", 1)),
        bootstrap=bool(hp.get("bootstrap", kind == "random_forest")),
        random_state=seed,
        n_jobs=-1,
    )
    # scikit-learn 1.2's forests reject NaN: missing values become a value below the column's training minimum
    lowest = np.where(np.isnan(X), np.inf, X).min(axis=0) if X.shape[0] else np.zeros(X.shape[1])
    fill = np.where(np.isfinite(lowest), lowest - 1.0, 0.0).astype(np.float32)

    def prepare(Z):
        return np.where(np.isnan(Z), fill, Z)

    return estimator, prepare


def retrain_trees(spec, X, y, task, seed, sample_weight=None):
    """Retrains a gbdt or forest candidate from scratch with scikit-learn, with the studio's settings, for
    spec["epochs"] boosting rounds / trees and no early stopping. Returns a RetrainedTrees.

    gbdt -> HistGradientBoostingClassifier/Regressor: learning_rate, max_iter = epochs, leaf-wise growth as
    max_leaf_nodes = max_leaves (max_depth where set), depth-wise as max_depth with no leaf limit, lambda as
    l2_regularization, max_bins (at most 255), the columns the model split on as categories as categorical_features.
    Not mapped exactly: min_child_weight (a least hessian per leaf) becomes min_samples_leaf = min_child_weight / the
    largest hessian a row can have (its loosest equivalent); subsample and colsample_bytree (row and column sampling)
    and min_split_gain do not exist in scikit-learn 1.2 and are left out; the multiclass hessian's k / (k - 1) factor,
    the studio's bin edges and its categorical split search (LightGBM's) differ in detail; a categorical column that
    no tree split on is treated as numeric.

    forest -> RandomForest/ExtraTrees Classifier/Regressor: n_estimators = epochs, max_features, max_depth,
    min_samples_leaf, bootstrap, Gini / squared error as the studio's variance reduction. Not mapped exactly: the
    studio splits on at most max_bins histogram bins, scikit-learn on every distinct value; its min_samples_leaf
    counts bootstrap-weighted rows; its missing values go to a side learned per split, here to the left of every
    split (filled below the column's minimum).

    sample_weight multiplies each row's loss (the studio's class weights); the random streams differ from the
    studio's, so the retrained model matches it in quality, not bit for bit."""
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.float64 if task["type"] == "regression" else np.int64)
    if spec["family"] == "gbdt":
        estimator, prepare = _boosting(spec, task, seed)
    else:
        estimator, prepare = _forest(spec, task, seed, X)
    estimator.fit(prepare(X), y, sample_weight=sample_weight)
    return RetrainedTrees(estimator, prepare, task)
