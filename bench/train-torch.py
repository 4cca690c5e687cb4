# The peer of `npm run bench:train`: the same two networks trained by PyTorch (Debian's python3-torch) on the same
# rows, batch size, optimizer and thread count, one training run per request.
# Runs as a long-lived child of bench/train.ts so that the repetitions alternate without paying torch's import
# each time: it reads one JSON request per line on stdin and answers one JSON line on stdout.
#   request:  {"model": "mlp" | "residual", "epochs": 3, "batchSize": 256, "learningRate": 0.001, "seed": 1}
#   answer:   {"rowsPerSecond": ..., "seconds": ..., "loss": <mean training loss of the last epoch>}
# The first line it prints is {"ready": true, "torch": "<version>", "threads": N, "rows": R, "cols": C}.
# Usage: /usr/bin/python3 bench/train-torch.py --data .tmp/bench/train-data.bin --rows R --cols C --threads N
import argparse
import json
import sys
import time

import numpy as np
import torch


def mlp(cols: int) -> torch.nn.Module:
    # 50 -> 128 -> 64 -> 1, ReLU: the MLP of bench/train.ts
    return torch.nn.Sequential(
        torch.nn.Linear(cols, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 64),
        torch.nn.ReLU(),
        torch.nn.Linear(64, 1),
    )


class Residual(torch.nn.Module):
    """The residual architecture of bench/train.ts: stem dense 128 relu, then two blocks h + fc2(relu(fc1(h))), head 1."""

    def __init__(self, cols: int, width: int = 128, blocks: int = 2):
        super().__init__()
        self.stem = torch.nn.Linear(cols, width)
        self.blocks = torch.nn.ModuleList(
            torch.nn.ModuleList([torch.nn.Linear(width, width), torch.nn.Linear(width, width)]) for _ in range(blocks)
        )
        self.head = torch.nn.Linear(width, 1)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.stem(h))
        for fc1, fc2 in self.blocks:
            h = h + fc2(torch.relu(fc1(h)))
        return self.head(h)


def train(x: torch.Tensor, y: torch.Tensor, req: dict) -> dict:
    torch.manual_seed(int(req.get("seed", 1)))
    model = mlp(x.shape[1]) if req["model"] == "mlp" else Residual(x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=float(req.get("learningRate", 1e-3)))
    loss_fn = torch.nn.BCEWithLogitsLoss()
    batch = int(req["batchSize"])
    epochs = int(req["epochs"])
    n = x.shape[0]
    started = time.perf_counter()
    last = 0.0
    for _ in range(epochs):
        perm = torch.randperm(n)
        total = torch.zeros(())
        for start in range(0, n, batch):
            idx = perm[start : start + batch]
            xb = x[idx]
            yb = y[idx]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.detach() * idx.shape[0]
        last = float(total) / n
    seconds = time.perf_counter() - started
    return {"rowsPerSecond": epochs * n / seconds, "seconds": seconds, "loss": last}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--threads", type=int, required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    raw = np.fromfile(args.data, dtype=np.float32)
    x = torch.from_numpy(raw[: args.rows * args.cols].reshape(args.rows, args.cols).copy())
    y = torch.from_numpy(raw[args.rows * args.cols : args.rows * (args.cols + 1)].reshape(args.rows, 1).copy())
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "rows": args.rows, "cols": args.cols}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        print(json.dumps(train(x, y, json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
