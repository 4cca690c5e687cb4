#!/usr/bin/env python3
"""How sure a test-set difference is: a paired bootstrap of the test rows for two predictions CSVs of the same rows.
usage: paired.py TEST.csv TARGET TASK A.csv B.csv [RESAMPLES] [SEED]
Scores both files as shared/bench/score.py does (AUC for binary, log loss for multiclass, RMSE for regression) on
RESAMPLES (default 2000) resamples of the test rows, drawn with replacement within each class for classification so
every resample keeps the test set's class counts (and AUC stays defined). Prints one JSON line: the metric, the
difference A - B on the test set itself, the 2.5% and 97.5% quantiles of the resampled differences, and the share of
resamples on which A is at least as good as B."""
import sys, json, numpy as np, pandas as pd
from sklearn import metrics

test, target, task, a_csv, b_csv = sys.argv[1:6]
resamples = int(sys.argv[6]) if len(sys.argv) > 6 else 2000
rng = np.random.default_rng(int(sys.argv[7]) if len(sys.argv) > 7 else 0)
y = pd.read_csv(test, keep_default_na=False, na_values=[""])[target]


def probabilities(path, classes):
    p = pd.read_csv(path, keep_default_na=False, na_values=[""])
    assert len(p) == len(y), f"{path}: row count {len(p)} != {len(y)}"
    cols = {c[len("proba_"):]: c for c in p.columns if c.startswith("proba_")}
    P = np.column_stack([p[cols[c]].astype(float) if c in cols else np.zeros(len(p)) for c in classes])
    P = np.clip(P, 1e-15, 1)
    return P / P.sum(1, keepdims=True)


if task == "regression":
    metric, higher = "rmse", False
    yv = y.astype(float).to_numpy()
    sq = [(pd.read_csv(f)["prediction"].astype(float).to_numpy() - yv) ** 2 for f in (a_csv, b_csv)]
    groups = [np.arange(len(y))]
    score = lambda k, rows: float(np.sqrt(sq[k][rows].mean()))
else:
    ys = y.astype(str)
    classes = sorted(ys.unique())
    codes = ys.map({c: i for i, c in enumerate(classes)}).to_numpy()
    P = [probabilities(f, classes) for f in (a_csv, b_csv)]
    groups = [np.flatnonzero(codes == i) for i in range(len(classes))]
    if task == "binary":
        metric, higher = "auc", True
        score = lambda k, rows: float(metrics.roc_auc_score(codes[rows], P[k][rows, 1]))
    else:
        metric, higher = "logloss", False
        # the per-row losses once: a resample's log loss is their mean over its rows
        losses = [-np.log(p[np.arange(len(codes)), codes]) for p in P]
        score = lambda k, rows: float(losses[k][rows].mean())

everything = np.arange(len(y))
diff = score(0, everything) - score(1, everything)
diffs = np.empty(resamples)
for i in range(resamples):
    rows = np.concatenate([rng.choice(g, size=len(g), replace=True) for g in groups])
    diffs[i] = score(0, rows) - score(1, rows)
at_least = np.mean(diffs >= 0) if higher else np.mean(diffs <= 0)
lo, hi = np.quantile(diffs, [0.025, 0.975])
print(json.dumps({"metric": metric, "diff": diff, "lo": float(lo), "hi": float(hi), "shareAtLeastAsGood": float(at_least), "resamples": resamples}))
