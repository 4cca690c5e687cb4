# The peer of `npm run bench:search`: Optuna's TPESampler (default settings, so univariate: multivariate=False)
# and RandomSampler on the same test functions, with the same define-by-run spaces (names, log ranges, ints and
# the conditional branches mirrored with trial.suggest_*), the same seeds and the same number of evaluations.
# Prints one JSON line: per run the best value so far after each evaluation and the wall seconds of the run.
# The optimum values and regrets are left to the TypeScript side, which owns the functions' definitions.
# Usage: /usr/bin/python3 bench/search-optuna.py --seeds 0,1,2 --evals 100 --functions branin,hartmann6,mixed
import argparse
import json
import math
import sys
import time

import optuna

# Hartmann-6 (Dixon and Szego 1978), as in server/automl/strategies/test-functions.ts
HARTMANN6_ALPHA = [1.0, 1.2, 3.0, 3.2]
HARTMANN6_A = [
    [10, 3, 17, 3.5, 1.7, 8],
    [0.05, 10, 17, 0.1, 8, 14],
    [3, 3.5, 1.7, 10, 17, 8],
    [17, 8, 0.05, 10, 0.1, 14],
]
HARTMANN6_P = [
    [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
    [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
    [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
    [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
]


def branin(trial):
    x1 = trial.suggest_float("x1", -5, 10)
    x2 = trial.suggest_float("x2", 0, 15)
    b = 5.1 / (4 * math.pi**2)
    c = 5 / math.pi
    t = 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


def hartmann6(trial):
    xs = [trial.suggest_float(f"x{j + 1}", 0, 1) for j in range(6)]
    total = 0.0
    for alpha, a, p in zip(HARTMANN6_ALPHA, HARTMANN6_A, HARTMANN6_P):
        total += alpha * math.exp(-sum(a[j] * (xs[j] - p[j]) ** 2 for j in range(6)))
    return -total


def mixed(trial):
    kind = trial.suggest_categorical("kind", ["a", "b", "c"])
    if kind == "a":
        lr = trial.suggest_float("a_lr", 1e-5, 1, log=True)
        depth = trial.suggest_int("a_depth", 1, 16)
        return (math.log10(lr) + 3 + (depth - 8) / 4) ** 2 / 4 + ((depth - 8) / 6) ** 2
    if kind == "b":
        u = trial.suggest_float("b_u", 0, 1)
        v = trial.suggest_float("b_v", 0, 1)
        return 0.3 + 2 * (u - 0.7) ** 2 + 10 * (v - u**2) ** 2
    flag = trial.suggest_categorical("c_flag", [False, True])
    w = trial.suggest_float("c_w", -1, 1)
    return 0.6 + w**2 if flag else 1.1 + abs(w - 0.5)


FUNCTIONS = {"branin": branin, "hartmann6": hartmann6, "mixed": mixed}
SAMPLERS = {
    "optuna-tpe": lambda seed: optuna.samplers.TPESampler(seed=seed),
    "optuna-random": lambda seed: optuna.samplers.RandomSampler(seed=seed),
}


def run(sampler_name, function_name, seed, evals):
    study = optuna.create_study(direction="minimize", sampler=SAMPLERS[sampler_name](seed))
    best = []
    started = time.perf_counter()
    for _ in range(evals):
        trial = study.ask()
        value = FUNCTIONS[function_name](trial)
        study.tell(trial, value)
        best.append(min(value, best[-1]) if best else value)
    return {"strategy": sampler_name, "function": function_name, "seed": seed, "best": best, "seconds": time.perf_counter() - started}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", required=True, help="comma-separated seeds")
    parser.add_argument("--evals", type=int, required=True)
    parser.add_argument("--functions", required=True, help="comma-separated names of " + ", ".join(FUNCTIONS))
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    runs = []
    for function_name in args.functions.split(","):
        for sampler_name in SAMPLERS:
            for seed in map(int, args.seeds.split(",")):
                runs.append(run(sampler_name, function_name, seed, args.evals))
            print(f"optuna: {function_name} {sampler_name} done", file=sys.stderr, flush=True)
    print(json.dumps({"optuna": optuna.__version__, "runs": runs}))


main()
