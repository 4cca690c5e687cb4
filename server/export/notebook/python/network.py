import base64
import copy
import math

import numpy as np
import torch
import torch.nn.functional as F

# Neural networks (the studio's "mlp" and "nas" families) from their portable.json: a graph of operations on named
# tensors in topological order (see server/export/portable/network-format.ts for every field). predict_network
# replays it in NumPy, in float32 as the studio computes; retrain_network trains the same graph from scratch in PyTorch,
# drawing its initial weights, batch order and dropout masks from ports of the studio's own random generators.

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


# The studio's random streams, ported so that a retrain draws what the studio drew: the same initial weights, the
# same batches in the same order and the same dropout masks. Every draw is an integer or float64 operation done in the
# studio's order, so the streams agree bit for bit (the normal deviates call log and cos, which may differ from
# JavaScript's in the last bit of a float64: a kernel weight, rounded to float32, would differ about once in 1e8).
# StudioRng, the studio's own generator, is rng.py's.
class TrainingRng:
    """
    A fit's generator, server/models/tfjs-mlp/rng.ts Rng (used by the mlp fit and the NAS engine alike): a StudioRng
    read as 32-bit uniforms, for initialiser seeds, the shuffle of every epoch and dropout masks.
    """

    def __init__(self, seed):
        self.source = StudioRng(seed)

    def uniforms(self, count):
        """next() `count` times: uniform in [0, 1), one output / 2**32 each"""
        return self.source.uniforms(count)

    def int(self):
        """a non-negative 31-bit integer (a seed for the next generator)"""
        return int(math.floor(self.uniforms(1)[0] * 2**31))

    def shuffle(self, order):
        """Fisher-Yates in place on a list, from its last position down, as the studio shuffles."""
        n = len(order)
        picks = np.floor(self.uniforms(n - 1) * np.arange(n, 1, -1)).astype(np.int64).tolist()
        for i, j in zip(range(n - 1, 0, -1), picks):
            order[i], order[j] = order[j], order[i]

    def dropout_mask(self, rows, units, rate):
        """An inverted-dropout mask [rows, units], row-major: 0 where the draw is below `rate`, else 1 / (1 - rate)."""
        keep = np.float32(1 / (1 - rate))
        return np.where(self.uniforms(rows * units) < rate, np.float32(0), keep).reshape(rows, units)


def _alea(seed):
    """
    seedrandom's alea generator (Johannes Baagoe's algorithm) seeded with the string `seed`: TensorFlow.js's seeded
    random ops (tfjs-core ops/rand_util.ts) draw from it. Returns a function giving uniforms in [0, 1).
    """
    n = 0xEFC8249D

    def mash(text):
        nonlocal n
        for ch in text:
            n += ord(ch)
            h = 0.02519603282416938 * n
            n = int(h) & _MASK32
            h = (h - n) * n
            n = int(h) & _MASK32
            n += (h - n) * 4294967296.0
        return (int(n) & _MASK32) * 2.3283064365386963e-10

    s = [mash(" "), mash(" "), mash(" ")]
    for i in range(3):
        s[i] -= mash(seed)
        if s[i] < 0:
            s[i] += 1
    carry = 1.0

    def draw():
        nonlocal carry
        t = 2091639 * s[0] + carry * 2.3283064365386963e-10
        carry = float(math.floor(t))
        s[0], s[1], s[2] = s[1], s[2], t - carry
        return s[2]

    return draw


def _tfjs_kernel(shape, init, seed):
    """
    A kernel as TensorFlow.js's seeded initialisers draw it (tfjs-layers initializers.ts VarianceScaling), values in
    row-major order from _alea(str(seed)): Glorot uniform, -limit + 2 limit u with limit = sqrt(3 / max(1, (fan_in +
    fan_out) / 2)); He / LeCun normal, tf.truncatedNormal (tfjs-core rand_util.ts MPRandGauss): Marsaglia's polar method
    giving pairs x, y; the pair is redrawn while x lies beyond 2 sd, and y is the next value only if within 2 sd.
    """
    rand, count = _alea(str(seed)), shape[0] * shape[1]
    if init["distribution"] == "uniform":
        limit = math.sqrt(3 * (1.0 / max(1, (shape[0] + shape[1]) / 2)))
        values = [-limit + 2 * limit * rand() for _ in range(count)]
        return np.array(values, dtype=np.float32).reshape(shape)
    sd, values = init["std"], []
    inside = lambda v: -2 * sd <= v <= 2 * sd
    while len(values) < count:
        while True:
            v1, v2 = 2 * rand() - 1, 2 * rand() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                scale = math.sqrt(-2.0 * math.log(s) / s)
                x, y = sd * v1 * scale, sd * v2 * scale
                if inside(x):
                    break
        values.append(x)
        if inside(y) and len(values) < count:
            values.append(y)
    return np.array(values, dtype=np.float32).reshape(shape)


def _engine_kernel(shape, init, rng):
    """
    A kernel as the NAS engine draws it (server/models/nas/engine/layout.ts initialParams) from the StudioRng `rng`:
    Glorot uniform (2 u - 1) limit; He / LeCun normal deviates redrawn beyond 2 (in sd units), times init["std"].
    """
    count = shape[0] * shape[1]
    if init["distribution"] == "uniform":
        return ((rng.floats(count) * 2 - 1) * init["limit"]).astype(np.float32).reshape(shape)
    values = []
    while len(values) < count:  # never draws past the last deviate kept: the next kernel starts where the studio's does
        values += [z * init["std"] for z in rng.normals(count - len(values)) if abs(z) <= 2]
    return np.array(values, dtype=np.float32).reshape(shape)


def _initial_kernels(model, fit_rng):
    """
    Every dense op's initial kernel (by op id) as the studio's fit drew it, the first draw of the fit's TrainingRng
    seeding them: mlp (server/models/tfjs-mlp/fit.ts, network.ts buildModel) seeds a TrainingRng whose next draws seed
    each layer's TensorFlow.js initialiser in order; nas (nas/engine/trainer.ts) seeds one StudioRng that draws every
    kernel in the graph's order, the head's last.
    """
    denses = [op for op in model["ops"] if op["op"] == "dense"]
    seed = fit_rng.int()
    if model["family"] == "mlp":
        layer_seeds = TrainingRng(seed)
        return {op["id"]: _tfjs_kernel(op["kernel"]["shape"], op["init"], layer_seeds.int()) for op in denses}
    rng = StudioRng(seed)
    return {op["id"]: _engine_kernel(op["kernel"]["shape"], op["init"], rng) for op in denses}


def _initial_params(model, fit_rng):
    """Trainable tensors per op id (kernel, bias; gamma, beta) as the studio starts them, and batch-norm moving statistics."""
    kernels = _initial_kernels(model, fit_rng)
    params, stats = {}, {}
    for op in model["ops"]:
        if op["op"] == "dense":
            p = {"kernel": torch.from_numpy(kernels[op["id"]])}
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


def _live_ops(model):
    """The ops the output depends on: the studio neither computes, trains nor draws dropout masks for the others."""
    by_id = {op["id"]: op for op in model["ops"]}
    live, stack = set(), [model["output"]]
    while stack:
        op = by_id.get(stack.pop())
        if op is not None and op["id"] not in live:
            live.add(op["id"])
            stack += op["inputs"] if "inputs" in op else [op["input"]]
    return [op for op in model["ops"] if op["id"] in live]


def _widths(model):
    """The width of every tensor, by id."""
    widths = {"input": model["inputs"]}
    for op in model["ops"]:
        if op["op"] == "dense":
            widths[op["id"]] = op["kernel"]["shape"][1]
        elif op["op"] == "concat":
            widths[op["id"]] = sum(widths[i] for i in op["inputs"])
        else:
            widths[op["id"]] = widths[op["inputs"][0] if "inputs" in op else op["input"]]
    return widths


_TORCH_ACTIVATIONS = {
    "relu": torch.relu,
    "elu": F.elu,
    "selu": F.selu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "gelu": F.gelu,
}


def _train_forward(model, ops, params, x, masks, moments):
    """The logits in training mode, computing `ops` (the live ones): batch statistics in batch norm (appended to
    moments), dropout by the given masks."""
    values = {"input": x}
    for op in ops:
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
            out = values[op["input"]] * masks[op["id"]]
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


def _targets(y, task, scaler):
    """The training targets as tensors: class codes (multiclass), 0/1 labels (binary) or the standardised values."""
    if task["type"] == "multiclass":
        return torch.from_numpy(np.asarray(y, dtype=np.int64))
    y = np.asarray(y, dtype=np.float32)
    return torch.from_numpy(((y - scaler["mean"]) / scaler["std"]).astype(np.float32) if scaler else y)


def _loss(model, z, y, w):
    """The batch's mean loss (weighted: sum(w loss) / sum(w)), without penalties."""
    if model["head"] == "sigmoid":
        per_row = F.binary_cross_entropy_with_logits(z[:, 0], y, reduction="none")
    elif model["head"] == "softmax":
        per_row = F.cross_entropy(z, y, reduction="none")
    else:
        per_row = (z[:, 0] - y) ** 2
    return per_row.mean() if w is None else (per_row * w).sum() / w.sum()


def retrain_network(spec, X, y, task, seed, sample_weight=None):
    """
    Trains the network of spec["model"] (a portable.json dict) from scratch as the studio's fit with seed `seed` did
    (mlp: server/models/tfjs-mlp/fit.ts; nas: server/models/nas/engine/trainer.ts): the same graph, the same initial
    weights (drawn by the ports above: zero biases, batch norm at identity), the same loss (class weights via
    sample_weight), L2 penalties, optimizer, learning rate and schedule, and per epoch the same shuffle of the rows cut
    into batches of batchSize, with the same dropout masks, for spec["epochs"] epochs, keeping the final weights.
    X must hold the studio's training rows in the studio's order. What remains different is float32 rounding inside
    the sums (PyTorch's matrix products and reductions group them differently), so the weights agree closely but not
    bit for bit, and the gap can grow over many epochs.
    Returns a RetrainedNetwork whose .predict(X) gives the shapes predict_network gives.
    """
    model = spec["model"]
    training = model["training"]
    x_all = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
    n = x_all.shape[0]
    scaler = _target_scaler(y) if task["type"] == "regression" else None
    y_all = _targets(y, task, scaler)
    w_all = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float32)
    fit_rng = TrainingRng(seed)
    params, stats = _initial_params(model, fit_rng)
    ops = _live_ops(model)
    widths = _widths(model)
    dropouts = [op for op in ops if op["op"] == "dropout"]
    tensors = [t for op in ops if op["id"] in params for t in params[op["id"]].values()]
    state = {"t": 0, "m": [torch.zeros_like(t) for t in tensors], "v": [torch.zeros_like(t) for t in tensors]}
    penalties = [(params[op["id"]]["kernel"], op["l2"]) for op in ops if op["op"] == "dense" and op["l2"] > 0]
    batch_size = min(training["batchSize"], n)
    order = list(range(n))
    for epoch in range(int(spec["epochs"])):
        if model["family"] == "nas":
            order = list(range(n))  # the engine shuffles 0..n-1 afresh; the mlp fit reshuffles the last order
        fit_rng.shuffle(order)
        for start in range(0, n, batch_size):
            rows = order[start:start + batch_size]
            w = None if w_all is None else w_all[rows]
            skip = w is not None and not float(w.sum(dtype=np.float64)) > 0  # a batch without weight carries no information
            if skip and model["family"] == "nas":
                continue  # the engine skips it before drawing masks, the mlp fit after
            masks = {op["id"]: torch.from_numpy(fit_rng.dropout_mask(len(rows), widths[op["id"]], op["rate"])) for op in dropouts}
            if skip:
                continue
            moments = []
            z = _train_forward(model, ops, params, x_all[rows], masks, moments)
            loss = _loss(model, z, y_all[rows], None if w is None else torch.from_numpy(w))
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
