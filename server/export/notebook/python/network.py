import base64
import copy
import math

import numpy as np
import torch
import torch.nn.functional as F

# Neural networks (the studio's "mlp" and "nas" families) from their portable.json: a graph of operations on named
# tensors in topological order (see server/export/portable/network-format.ts for every field). predict_network
# replays it in NumPy, in float32 as the studio computes; retrain_network trains the same graph from scratch in PyTorch.

SELU_SCALE = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772


def _decode(tensor):
    """A portable.json tensor {"dtype": "float32", "shape", "base64"} as a float32 array of its shape."""
    raw = base64.b64decode(tensor["base64"])
    return np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(tensor["shape"])


def _encode(array):
    """The inverse of _decode: little-endian float32 bytes in row-major order, base64."""
    a = np.ascontiguousarray(array, dtype="<f4")
    return {"dtype": "float32", "shape": list(a.shape), "base64": base64.b64encode(a.tobytes()).decode("ascii")}


def _erf(x):
    """erf as TensorFlow.js computes it (Abramowitz & Stegun 7.1.26, error below 1.5e-7), so gelu matches the studio's."""
    v = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * v)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    return np.sign(x) * (1.0 - poly * np.exp(-v * v))


def _sigmoid(z):
    """1 / (1 + exp(-z)) without overflow for large |z|."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


_ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, np.float32(0)),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: np.where(x > 0, SELU_SCALE * x, SELU_SCALE * SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "tanh": np.tanh,
    "sigmoid": _sigmoid,
    "gelu": lambda x: x * 0.5 * (1.0 + _erf(x / math.sqrt(2.0))),
}


def _logits(model, X):
    """Runs the ops in order on the float32 matrix X; returns the tensor model["output"] (the logits)."""
    values = {"input": X}
    for op in model["ops"]:
        kind = op["op"]
        if kind == "dense":
            out = values[op["input"]] @ _decode(op["kernel"])
            if op["bias"] is not None:
                out = out + _decode(op["bias"])
        elif kind == "batch_norm":
            x = values[op["input"]]
            centred = (x - _decode(op["movingMean"])) * _decode(op["gamma"])
            out = centred / np.sqrt(_decode(op["movingVariance"]) + np.float32(op["epsilon"])) + _decode(op["beta"])
        elif kind == "activation":
            out = _ACTIVATIONS[op["fn"]](values[op["input"]])
        elif kind in ("dropout", "identity"):
            out = values[op["input"]]  # dropout only acts in training
        elif kind == "concat":
            out = np.concatenate([values[i] for i in op["inputs"]], axis=1)
        elif kind in ("add", "multiply"):
            out = values[op["inputs"][0]]
            for i in op["inputs"][1:]:
                out = out + values[i] if kind == "add" else out * values[i]
        else:
            raise ValueError(f"unknown op {kind!r}")
        values[op["id"]] = out.astype(np.float32)
    return values[model["output"]]


def predict_network(model, X, task):
    """
    Predictions of a portable network: binary (n, 2) and multiclass (n, k) probabilities, regression (n,) values.
    Computed in float32 like the studio, and rounded to float32 at the end as the studio's predictions are.
    """
    z = _logits(model, np.asarray(X, dtype=np.float32)).astype(np.float64)
    if task["type"] == "binary":
        p = _sigmoid(z[:, 0]).astype(np.float32)
        return np.stack([np.float32(1) - p, p], axis=1).astype(np.float64)
    if task["type"] == "multiclass":
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32).astype(np.float64)
    scaler = model["targetScaler"] or {"mean": 0.0, "std": 1.0}
    return (z[:, 0] * scaler["std"] + scaler["mean"]).astype(np.float32).astype(np.float64)


class RetrainedNetwork:
    """A network retrained by retrain_network: .model is its portable.json dict, .predict(X) as predict_network."""

    def __init__(self, model, task):
        self.model = model
        self.task = task

    def predict(self, X):
        return predict_network(self.model, X, self.task)


def _initial_kernel(shape, init):
    """A kernel drawn as the studio draws it: Glorot uniform, or He / LeCun normal redrawn beyond 2 sd."""
    w = torch.empty(shape)
    if init["distribution"] == "uniform":
        torch.nn.init.uniform_(w, -init["limit"], init["limit"])
    else:
        std = init["std"]
        torch.nn.init.trunc_normal_(w, mean=0.0, std=std, a=-2 * std, b=2 * std)
    return w


def _initial_params(model):
    """Fresh trainable tensors per op id (kernel, bias; gamma, beta) and batch-norm moving statistics."""
    params, stats = {}, {}
    for op in model["ops"]:
        if op["op"] == "dense":
            p = {"kernel": _initial_kernel(op["kernel"]["shape"], op["init"])}
            if op["bias"] is not None:
                p["bias"] = torch.zeros(op["bias"]["shape"])
            params[op["id"]] = p
        elif op["op"] == "batch_norm":
            units = op["gamma"]["shape"]
            params[op["id"]] = {"gamma": torch.ones(units), "beta": torch.zeros(units)}
            stats[op["id"]] = {"movingMean": torch.zeros(units), "movingVariance": torch.ones(units)}
    for p in params.values():
        for t in p.values():
            t.requires_grad_(True)
    return params, stats


_TORCH_ACTIVATIONS = {
    "relu": torch.relu,
    "elu": F.elu,
    "selu": F.selu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "gelu": F.gelu,
}


def _train_forward(model, params, x, moments):
    """The logits in training mode: batch statistics in batch norm (appended to moments), dropout on."""
    values = {"input": x}
    for op in model["ops"]:
        kind = op["op"]
        if kind == "dense":
            p = params[op["id"]]
            out = values[op["input"]] @ p["kernel"]
            if "bias" in p:
                out = out + p["bias"]
        elif kind == "batch_norm":
            z = values[op["input"]]
            mean = z.mean(0)
            var = ((z - mean) ** 2).mean(0)
            moments.append((op, mean.detach(), var.detach(), z.shape[0]))
            p = params[op["id"]]
            out = (z - mean) / torch.sqrt(var + op["epsilon"]) * p["gamma"] + p["beta"]
        elif kind == "activation":
            out = _TORCH_ACTIVATIONS[op["fn"]](values[op["input"]])
        elif kind == "dropout":
            out = F.dropout(values[op["input"]], p=op["rate"], training=True)
        elif kind == "identity":
            out = values[op["input"]]
        elif kind == "concat":
            out = torch.cat([values[i] for i in op["inputs"]], dim=1)
        else:  # add, multiply
            out = values[op["inputs"][0]]
            for i in op["inputs"][1:]:
                out = out + values[i] if kind == "add" else out * values[i]
        values[op["id"]] = out
    return values[model["output"]]


def _learning_rate(training, progress):
    """The scheduled rate at `progress` epochs (fractional within an epoch)."""
    s = training["schedule"]
    base = training["learningRate"]
    if s["type"] == "cosine":
        t = min(max(progress / s["epochs"], 0.0), 1.0)
        return base * (s["minFactor"] + (1 - s["minFactor"]) * (1 + math.cos(math.pi * t)) / 2)
    if s["type"] == "step":
        return base * s["factor"] ** math.floor(progress / s["everyEpochs"] + 1e-9)
    return base


def _optimizer_step(training, lr, tensors, state):
    """One update of every tensor with Keras' rules (see NetworkTraining in network-format.ts)."""
    state["t"] += 1
    b1, b2, eps, mom = training["beta1"], training["beta2"], training["epsilon"], training["momentum"]
    with torch.no_grad():
        for i, p in enumerate(tensors):
            g = p.grad
            m, v = state["m"][i], state["v"][i]
            if training["optimizer"] == "adam":
                m.add_((g - m) * (1 - b1))
                v.add_((g * g - v) * (1 - b2))
                lr_t = lr * math.sqrt(1 - b2 ** state["t"]) / (1 - b1 ** state["t"])
                p.sub_(lr_t * m / (v.sqrt() + eps))
            elif training["optimizer"] == "rmsprop":
                v.mul_(b2).add_((1 - b2) * g * g)
                step = lr * g / (v.sqrt() + eps)
                if mom > 0:
                    m.mul_(mom).add_(step)
                    p.sub_(m)
                else:
                    p.sub_(step)
            else:  # sgd
                m.mul_(mom).sub_(lr * g)
                p.add_(m)
            p.grad = None


def _target_scaler(y):
    """The studio's regression scaler: mean and population standard deviation (1 where it is 0 or not finite)."""
    y = np.asarray(y, dtype=np.float32).astype(np.float64)
    mean = float(y.mean())
    std = float(np.sqrt(((y - mean) ** 2).mean()))
    return {"mean": mean, "std": std if std > 0 and math.isfinite(std) else 1.0}


def retrain_network(spec, X, y, task, seed, sample_weight=None):
    """
    Trains the network of spec["model"] (a portable.json dict) from scratch as the studio trained it: the same graph
    (widths, activations, batch norm, dropout rates), kernels drawn with the same initialisers (zero biases, batch
    norm at identity), the same loss (class weights via sample_weight), L2 penalties, optimizer, learning rate and
    schedule, batch size and per-epoch shuffling, for spec["epochs"] epochs with no early stopping; the final weights
    are kept. model["training"] holds these settings as the studio derived them from spec["hyperparameters"].
    Seeded with torch.manual_seed(seed): PyTorch's random streams differ from the studio's (TensorFlow.js and its own
    generator), so the weights differ, but the test metric should land close to the studio's.
    Returns a RetrainedNetwork whose .predict(X) gives the shapes predict_network gives.
    """
    torch.manual_seed(seed)
    model = spec["model"]
    training = model["training"]
    x_all = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    n = x_all.shape[0]
    scaler = _target_scaler(y) if task["type"] == "regression" else None
    if task["type"] == "multiclass":
        y_all = torch.from_numpy(np.asarray(y, dtype=np.int64))
    elif scaler:
        y_all = torch.from_numpy(((np.asarray(y, dtype=np.float32) - scaler["mean"]) / scaler["std"]).astype(np.float32))
    else:
        y_all = torch.from_numpy(np.asarray(y, dtype=np.float32))
    w_all = None if sample_weight is None else torch.from_numpy(np.asarray(sample_weight, dtype=np.float32))
    params, stats = _initial_params(model)
    tensors = [t for p in params.values() for t in p.values()]
    state = {"t": 0, "m": [torch.zeros_like(t) for t in tensors], "v": [torch.zeros_like(t) for t in tensors]}
    penalties = [(params[op["id"]]["kernel"], op["l2"]) for op in model["ops"] if op["op"] == "dense" and op["l2"] > 0]
    batch_size = min(training["batchSize"], n)
    for epoch in range(int(spec["epochs"])):
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            w = None if w_all is None else w_all[rows]
            if w is not None and not float(w.sum()) > 0:
                continue  # a batch without weight carries no information
            moments = []
            z = _train_forward(model, params, x_all[rows], moments)
            if model["head"] == "sigmoid":
                per_row = F.binary_cross_entropy_with_logits(z[:, 0], y_all[rows], reduction="none")
            elif model["head"] == "softmax":
                per_row = F.cross_entropy(z, y_all[rows], reduction="none")
            else:
                per_row = (z[:, 0] - y_all[rows]) ** 2
            loss = per_row.mean() if w is None else (per_row * w).sum() / w.sum()
            for kernel, l2 in penalties:
                loss = loss + l2 * (kernel ** 2).sum()
            loss.backward()
            _optimizer_step(training, _learning_rate(training, epoch + start / n), tensors, state)
            for op, mean, var, rows_in_batch in moments:
                s, keep = stats[op["id"]], op["momentum"]
                unbias = rows_in_batch / (rows_in_batch - 1) if rows_in_batch > 1 else 1.0
                s["movingMean"] = s["movingMean"] * keep + mean * (1 - keep)
                s["movingVariance"] = s["movingVariance"] * keep + var * unbias * (1 - keep)
    return RetrainedNetwork(_trained_model(model, params, stats, scaler), task)


def _trained_model(model, params, stats, scaler):
    """A copy of the portable model with the retrained weights (and, for regression, the new target scaler)."""
    out = copy.deepcopy(model)
    for op in out["ops"]:
        trained = {**params.get(op["id"], {}), **stats.get(op["id"], {})}
        for key, t in trained.items():
            op[key] = _encode(t.detach().numpy())
    if scaler is not None:
        out["targetScaler"] = scaler
    return out
