"""Optuna's TPE and random samplers on bench_search's noisy problems (issue 12): the same
1001-level lattices, each point's objective the mean of the same number of noisy trials,
budget 100 with 10 initial random points, scored by the noise-free value of the best trial
(the point Optuna would recommend). Prints one line per (problem, sampler) in bench_search's
format. Usage: optuna_search.py [--repeats 20] [--budget 100] [--samplers tpe,random]"""
import argparse
import math
import time

import numpy as np
import optuna


def branin(u):
    x, y = -5.0 + 15.0 * u[0], 15.0 * u[1]
    b, c, t = 5.1 / (4 * math.pi ** 2), 5.0 / math.pi, 1.0 / (8 * math.pi)
    return (y - b * x * x + c * x - 6.0) ** 2 + 10.0 * (1 - t) * math.cos(x) + 10.0


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8],
     [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
     [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
     [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(u):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (u[j] - P[i][j]) ** 2 for j in range(6)))
                for i in range(4))


def ackley(u):
    x = [-15.0 + 35.0 * v for v in u]
    d = len(x)
    sq = sum(v * v for v in x)
    cs = sum(math.cos(2 * math.pi * v) for v in x)
    return -20.0 * math.exp(-0.2 * math.sqrt(sq / d)) - math.exp(cs / d) + 20.0 + math.e


# name, function, dims, noise std, trials (as bench_search --noisy 1)
PROBLEMS = [("hartmann6", hartmann6, 6, 0.3, 5), ("ackley10", ackley, 10, 1.0, 3),
            ("branin", branin, 2, 2.0, 3)]


def run(problem, sampler_name, repeat, budget):
    name, f, dims, noise, trials = problem
    rng = np.random.default_rng(1000 + repeat)
    if sampler_name == "tpe":
        sampler = optuna.samplers.TPESampler(n_startup_trials=10, seed=repeat)
    else:
        sampler = optuna.samplers.RandomSampler(seed=repeat)
    study = optuna.create_study(sampler=sampler)
    truth = {}

    def objective(trial):
        u = [trial.suggest_int(f"x{j}", 0, 1000) / 1000.0 for j in range(dims)]
        value = f(u)
        truth[trial.number] = value
        return float(np.mean(value + noise * rng.standard_normal(trials)))

    checks, out = [10, 50, budget], []
    done = 0
    for c in checks:
        study.optimize(objective, n_trials=c - done)
        done = c
        out.append(truth[study.best_trial.number])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--samplers", default="random,tpe")
    args = ap.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    for problem in PROBLEMS:
        for s in args.samplers.split(","):
            t0 = time.time()
            res = np.array([run(problem, s, r, args.budget) for r in range(args.repeats)])
            cols = "".join(f"  {m:9.4f} +- {sd:<7.4f}" for m, sd in
                           zip(res.mean(axis=0), res.std(axis=0, ddof=1)))
            print(f"{problem[0]:<10} {'optuna-' + s:<7}{cols}  {time.time() - t0:7.1f}s",
                  flush=True)


if __name__ == "__main__":
    main()
