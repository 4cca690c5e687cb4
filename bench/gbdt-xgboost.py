# The peer of `npm run bench:gbdt`: XGBoost's hist method (Debian's python3-xgboost) on the same numeric matrices as
# the studio's GBDT, with the same rounds, depth, learning rate, bins, lambda and min_child_weight, one thread, one
# training run per request.
# Runs as a long-lived child of bench/gbdt.ts so that the repetitions alternate without paying xgboost's import
# each time: it reads one JSON request per line on stdin and answers one JSON line on stdout.
#   request:  {"data": ".tmp/bench/gbdt/shuttle/data.bin", "trainRows": R, "testRows": T, "cols": C,
#              "task": "multiclass" | "regression", "classes": K, "rounds": 300, "maxDepth": 6, "learningRate": 0.1,
#              "maxBins": 255, "lambda": 1, "minChildWeight": 1, "seed": 1, "predictions": "<path>"}
#   answer:   {"seconds": <xgb.train's wall time>, "leaves": <mean leaves per tree>, "trees": N}
# The data file holds float32 x_train (R x C, row-major), y_train (R), x_test (T x C), y_test (T), end to end.
# The predictions (float32, T x K probabilities for multiclass, T values for regression) are written to "predictions",
# so that bench/gbdt.ts scores both learners with the same code.
# Timed: xgb.train only. Its DMatrix is built fresh for every run, untimed (a copy of the numbers); XGBoost bins the
# data (quantile cuts and the gradient index) inside xgb.train, as the studio's fit does, and a fresh DMatrix keeps
# a repetition from reusing the last one's.
# bench/gbdt.ts starts it with OMP_NUM_THREADS=1 as well as nthread 1.
# The first line it prints is {"ready": true, "xgboost": "<version>", "threads": 1}.
# Usage: /usr/bin/python3 bench/gbdt-xgboost.py
import json
import sys
import time

import numpy as np
import xgboost as xgb

THREADS = 1
_cache: dict = {}


def load(req: dict):
    key = req["data"]
    if key not in _cache:
        r, t, c = int(req["trainRows"]), int(req["testRows"]), int(req["cols"])
        raw = np.fromfile(key, dtype=np.float32)
        if raw.size != r * c + r + t * c + t:
            raise ValueError(f"{key}: {raw.size} floats, expected {r * c + r + t * c + t}")
        o = 0
        x_train = raw[o : o + r * c].reshape(r, c)
        o += r * c
        y_train = raw[o : o + r]
        o += r
        x_test = raw[o : o + t * c].reshape(t, c)
        _cache[key] = (x_train, y_train, x_test)
    return _cache[key]


def train(req: dict) -> dict:
    x_train, y_train, x_test = load(req)
    params = {
        "tree_method": "hist",
        "grow_policy": "depthwise",
        "max_depth": int(req["maxDepth"]),
        "eta": float(req["learningRate"]),
        "max_bin": int(req["maxBins"]),
        "lambda": float(req["lambda"]),
        "alpha": 0.0,
        "gamma": 0.0,
        "min_child_weight": float(req["minChildWeight"]),
        "subsample": 1.0,
        "colsample_bytree": 1.0,
        "nthread": THREADS,
        "seed": int(req.get("seed", 1)),
        "verbosity": 0,
    }
    if req["task"] == "multiclass":
        params.update({"objective": "multi:softprob", "num_class": int(req["classes"])})
    else:
        params.update({"objective": "reg:squarederror"})
    dtrain = xgb.DMatrix(x_train, label=y_train, nthread=THREADS)
    started = time.perf_counter()
    booster = xgb.train(params, dtrain, num_boost_round=int(req["rounds"]))
    seconds = time.perf_counter() - started
    pred = booster.predict(xgb.DMatrix(x_test, nthread=THREADS)).astype(np.float32)
    pred.reshape(-1).tofile(req["predictions"])
    dump = booster.get_dump()
    leaves = sum(tree.count("leaf=") for tree in dump) / len(dump)
    return {"seconds": seconds, "leaves": leaves, "trees": len(dump)}


def main() -> None:
    print(json.dumps({"ready": True, "xgboost": xgb.__version__, "threads": THREADS}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        print(json.dumps(train(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
