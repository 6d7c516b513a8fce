#!/usr/bin/python3
"""Sliced W1 on the ganhpo device versus POT's ot.sliced_wasserstein_distance, one run.

Two float32 samples of D = 6 correlated columns (10^5 events each by default; B shifted and
stretched), standardised with B's mean and std as ganhpo standardises the joint space, are
written to a temporary directory. bench_metrics times, from host arrays to the result,
upload + reference + evaluation with 64 projections (that call computes every metric, the
sliced W1 among them: an upper bound of the sliced W1's cost); POT times
ot.sliced_wasserstein_distance(A, B, p=1, projections=the same 64 directions) on the same
values as float64. Both report the median of the repeats; the table prints both, the ratio
and the relative difference of the two values (the same directions: they must agree).

usage: bench/sliced_vs_pot.py [BENCH_METRICS] [EVENTS] (default build/bench/bench_metrics,
100000). Run from the project root with a Python that has numpy and POT (pip install pot).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import ot

D, P, REPEATS = 6, 64, 5


def samples(rng, n):
    mix = rng.normal(size=(D, D)) / np.sqrt(D) + np.eye(D)
    a = rng.normal(size=(n, D)) @ mix
    b = (rng.normal(size=(n, D)) * 1.2 + 0.1) @ mix
    mu, sd = b.mean(axis=0), b.std(axis=0, ddof=1)
    return ((a - mu) / sd).astype(np.float32), ((b - mu) / sd).astype(np.float32)


def pot_time(a, b, dirs):
    times, w = [], None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        w = ot.sliced_wasserstein_distance(a, b, p=1, projections=dirs)
        times.append(time.perf_counter() - t0)
    return float(w), statistics.median(times)


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else "build/bench/bench_metrics"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    a, b = samples(np.random.default_rng(2024), n)
    with tempfile.TemporaryDirectory() as tmp:
        pa, pb, pd = (os.path.join(tmp, f) for f in ("a.f32", "b.f32", "dirs.f32"))
        a.tofile(pa)
        b.tofile(pb)
        out = subprocess.run([exe, "sliced", pa, pb, str(D), str(P), str(REPEATS), pd],
                             check=True, capture_output=True, text=True).stdout.split()
        w_dev, t_dev, sliced_ms = float(out[0]), float(out[1]), float(out[2])
        dirs = np.fromfile(pd, dtype=np.float32).reshape(P, D).T.astype(np.float64)
    w_pot, t_pot = pot_time(a.astype(np.float64), b.astype(np.float64), dirs)
    print(f"{'events':>8} {'proj':>5} {'ganhpo s':>9} {'(sliced ms)':>11} {'POT s':>8} "
          f"{'speedup':>8} {'rel diff':>9}")
    print(f"{n:>8} {P:>5} {t_dev:>9.4f} {sliced_ms:>11.1f} {t_pot:>8.4f} "
          f"{t_pot / t_dev:>7.1f}x {abs(w_dev - w_pot) / w_pot:>9.2e}")


if __name__ == "__main__":
    main()
