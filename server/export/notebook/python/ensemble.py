import numpy as np

# the stacker's probabilities are clipped to [STACKING_CLIP, 1 - STACKING_CLIP] before their logs
STACKING_CLIP = 1e-6


def weighted_average(preds_list, weights):
    """Greedy ensemble selection's combination: sum over members of weight * prediction (the weights sum to 1).

    Mirrors the studio's float32 accumulation: the running sum is rounded to float32 after each member's term
    (computed in float64), in member order. Returns float64 predictions of the members' shape.
    """
    out = np.zeros(np.shape(preds_list[0]), dtype=np.float32)
    for p, w in zip(preds_list, weights):
        out = (out.astype(np.float64) + float(w) * np.asarray(p, dtype=np.float32).astype(np.float64)).astype(np.float32)
    return out.astype(np.float64)


def stacking_features(preds_list, task):
    """The stacking ensemble's linear model inputs, a float32 matrix with one row per data row.

    Per member, in member order: binary, the log-odds log(q / (1 - q)) of its positive-class probability q clipped
    to [1e-6, 1 - 1e-6] (one column); multiclass, the log of each class's clipped probability (one column per class);
    regression, its prediction (one column). Computed in float64 from the float32 predictions, stored as float32.
    """
    columns = []
    for p in preds_list:
        p = np.asarray(p, dtype=np.float32).astype(np.float64)
        if task["type"] == "regression":
            columns.append(p.reshape(-1, 1))
        elif task["type"] == "binary":
            q = np.clip(p[:, 1], STACKING_CLIP, 1 - STACKING_CLIP)
            columns.append(np.log(q / (1 - q)).reshape(-1, 1))
        else:
            columns.append(np.log(np.clip(p, STACKING_CLIP, 1 - STACKING_CLIP)))
    return np.hstack(columns).astype(np.float32)
