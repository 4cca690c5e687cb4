import numpy as np


def predict_linear(model, X, task):
    """Predictions of a linear model in portable.json form (kind "linear").

    scores = X @ coef.T + intercept, one score per output, then the link: the logistic sigmoid (binary, rows of
    [1 - p1, p1]), the softmax over the classes (multiclass), or the identity followed by the target's scaler
    (regression: score * std + mean, the family trains on the standardised target). Computed in float64 from the
    float32 inputs, as the studio does, and rounded to float32 at the end as the studio stores its predictions.
    Returns float64 (n, k) probabilities, or (n,) values for regression.
    """
    X = np.asarray(X, dtype=np.float32).astype(np.float64)
    coef = np.asarray(model["coef"], dtype=np.float64).reshape(len(model["coef"]), model["features"])
    if X.shape[1] != model["features"]:
        raise ValueError(f"linear: expected {model['features']} columns, got {X.shape[1]}")
    scores = X @ coef.T + np.asarray(model["intercept"], dtype=np.float64)
    link = model["link"]
    if link == "identity":
        target = model["target"] or {"mean": 0.0, "std": 1.0}
        out = scores[:, 0] * target["std"] + target["mean"]
    elif link == "logistic":
        p = _linear_sigmoid(scores[:, 0])
        out = np.column_stack([1.0 - p, p])
    elif link == "softmax":
        out = _linear_softmax(scores)
    else:
        raise ValueError(f"linear: unknown link {link!r} for a {task['type']} task")
    return out.astype(np.float32).astype(np.float64)


def _linear_sigmoid(z):
    """1 / (1 + e^-z) without overflow: e^z / (1 + e^z) for negative z."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _linear_softmax(z):
    """Row-wise softmax, shifted by each row's largest score so that nothing overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class RetrainedLinear:
    """A linear model trained by retrain_linear: `portable` is its portable.json dict, `predict(X)` its predictions."""

    def __init__(self, portable, task):
        self.portable = portable
        self.task = task

    def predict(self, X):
        return predict_linear(self.portable, X, self.task)


def retrain_linear(spec, X, y, task, seed, sample_weight=None):
    """Trains the studio's linear model from scratch: the same objective, solver and number of iterations.

    The objective is the weighted mean loss + alpha * (l1_ratio * |w|_1 + (1 - l1_ratio) / 2 * |w|_2^2) on the
    coefficients (intercepts unpenalised); l1_ratio is 0 for penalty "l2", 1 for "l1", hyperparameter l1_ratio
    (default 0.5) for "elasticnet". The loss is the log loss (binary: logistic; multiclass: softmax, one weight vector
    per class) or half the squared error of the target standardised by its mean and population standard deviation.
    At its optimum this is scikit-learn's model: LogisticRegression(C=1 / (alpha * sum(weights))) for l2 classifiers,
    Ridge(alpha=alpha * sum(weights)) on the standardised target, ElasticNet/Lasso with alpha and l1_ratio rescaled by
    the target's standard deviation. The studio, though, stops early (at the iteration with the best validation loss)
    or refits for a fixed number of iterations, so the model it keeps is not always the optimum. This function
    therefore runs the studio's own solver for exactly spec["epochs"] iterations: accelerated proximal gradient
    descent (FISTA) from zero coefficients and the intercepts of the target's mean (log-odds, log priors), with the
    step size found by backtracking and momentum restarts. It is deterministic, so `seed` is not used.
    """
    hp = spec["hyperparameters"]
    penalty = hp.get("penalty", "l2")
    alpha = float(hp.get("alpha", 1e-4))
    l1_ratio = 0.0 if penalty == "l2" else 1.0 if penalty == "l1" else float(hp.get("l1_ratio", 0.5))
    X = np.asarray(X, dtype=np.float32).astype(np.float64)
    y = np.asarray(y, dtype=np.float32).astype(np.float64)
    n, d = X.shape
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float32).astype(np.float64)
    kind = task["type"]
    target = None
    if kind == "regression":
        mean = y.mean()
        std = np.sqrt(((y - mean) ** 2).sum() / n)
        target = {"mean": float(mean), "std": float(std) if std > 0 and np.isfinite(std) else 1.0}
        y = (y - target["mean"]) / target["std"]
    loss = _LinearLoss(kind, len(task["classes"]), y, w)
    coef, intercept = _linear_fista(X, loss, alpha, l1_ratio, int(spec["epochs"]))
    portable = {
        "kind": "linear",
        "family": "linear",
        "task": task,
        "features": d,
        "link": {"binary": "logistic", "multiclass": "softmax", "regression": "identity"}[kind],
        "coef": coef.T.tolist(),
        "intercept": intercept.tolist(),
        "target": target,
    }
    return RetrainedLinear(portable, task)


class _LinearLoss:
    """The family's training loss on scores Z (n, k): its value and its gradient by the scores, rows weighted by w."""

    def __init__(self, kind, classes, y, weights):
        self.kind = kind
        self.weights = weights
        # the loss is the weighted mean: each row's weight over the total
        self.w = weights * (1 / weights.sum())
        self.y = y
        self.k = classes if kind == "multiclass" else 1
        # the largest curvature of the loss by a row's scores: the step size's scale
        self.curvature = {"regression": 1.0, "binary": 0.25, "multiclass": 0.5}[kind]
        if kind == "multiclass":
            self.onehot = np.eye(self.k)[y.astype(int)]

    def base_score(self):
        """The starting intercepts: the weighted mean target, its log-odds, or the log class priors (clipped at 1e-7)."""
        w = self.w
        if self.kind == "regression":
            return np.array([(w * self.y).sum() / w.sum()])
        if self.kind == "binary":
            p = np.clip((w * self.y).sum() / w.sum(), 1e-7, 1 - 1e-7)
            return np.array([np.log(p / (1 - p))])
        prior = (w[:, None] * self.onehot).sum(axis=0) / w.sum()
        return np.log(np.clip(prior, 1e-7, 1 - 1e-7))

    def value(self, Z):
        return self._evaluate(Z, False)[0]

    def gradient(self, Z):
        return self._evaluate(Z, True)

    def _evaluate(self, Z, with_gradient):
        w = self.w
        if self.kind == "regression":
            e = Z[:, 0] - self.y
            return (w * e * e).sum() / 2, (w * e)[:, None] if with_gradient else None
        if self.kind == "binary":
            z = Z[:, 0]
            # log(1 + e^z) without overflow: softplus(-z) for a positive row, softplus(z) for a negative one
            signed = np.where(self.y == 1, -z, z)
            value = (w * (np.maximum(signed, 0) + np.log1p(np.exp(-np.abs(signed))))).sum()
            return value, (w * (_linear_sigmoid(z) - self.y))[:, None] if with_gradient else None
        # shifted by each row's largest score, whose term (exactly 1) stays out of the sum that goes through log1p
        rows = np.arange(len(Z))
        top = Z.argmax(axis=1)
        e = np.exp(Z - Z[rows, top][:, None])
        e[rows, top] = 0
        others = e.sum(axis=1)
        value = (w * (Z[rows, top] - (Z * self.onehot).sum(axis=1) + np.log1p(others))).sum()
        if not with_gradient:
            return value, None
        e[rows, top] = 1
        return value, w[:, None] * (e * (1 / (1 + others))[:, None] - self.onehot)


def _linear_fista(X, loss, alpha, l1_ratio, iterations):
    """FISTA with backtracking and gradient-scheme restarts, as server/models/linear/fista.ts; returns (coef (d, k), intercept (k,))."""
    n, d = X.shape
    k = loss.k
    w = loss.weights
    # bounds on the largest eigenvalue of the weighted Gram matrix (with the intercept's column): its largest diagonal
    # entry starts the step size's search, its trace caps it
    diag = (w[:, None] * X * X).sum(axis=0) / w.sum()
    lipschitz = loss.curvature * max(1.0, diag.max(initial=1.0))
    max_lipschitz = loss.curvature * (1.0 + diag.sum())
    W = np.zeros((d, k))
    b = loss.base_score()
    Wy, by = W.copy(), b.copy()
    Zx = np.tile(b, (n, 1))
    Zy = Zx.copy()
    t = 1.0
    for _ in range(iterations):
        fy, resid = loss.gradient(Zy)
        gW, gb = X.T @ resid, resid.sum(axis=0)
        for backtracks in range(61):
            eta = 1.0 / lipschitz
            v = Wy - eta * gW
            # the penalty's proximal step: soft-thresholding (L1 share), then ridge shrinkage (L2 share)
            threshold = eta * alpha * l1_ratio
            Wn = np.sign(v) * np.maximum(np.abs(v) - threshold, 0) * (1 / (1 + eta * alpha * (1 - l1_ratio)))
            bn = by - eta * gb
            Zn = X @ Wn + bn
            fn = loss.value(Zn)
            along = (gW * (Wn - Wy)).sum() + (gb * (bn - by)).sum()
            sq = ((Wn - Wy) ** 2).sum() + ((bn - by) ** 2).sum()
            excess = fn - fy - along
            slack = 1e-12 * (abs(fy) + abs(fn) + abs(along))
            if sq == 0 or (np.isfinite(fn) and excess <= lipschitz / 2 * sq + slack):
                break
            if lipschitz >= max_lipschitz or backtracks == 60:
                break
            # grow the Lipschitz estimate to at least the curvature measured along the step
            measured = 2 * excess / sq if np.isfinite(excess) else np.inf
            lipschitz = min(max_lipschitz, max(1.5 * lipschitz, 1.05 * measured if np.isfinite(measured) else 4 * lipschitz))
        # restart the momentum when the step (next - y) points against it (next - theta)
        if ((Wy - Wn) * (Wn - W)).sum() + ((by - bn) * (bn - b)).sum() > 0:
            t = 1.0
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        beta = (t - 1) / t_next
        t = t_next
        Wy, by = Wn + beta * (Wn - W), bn + beta * (bn - b)
        Zy = Zn + beta * (Zn - Zx)
        W, b, Zx = Wn, bn, Zn
    return W, b
