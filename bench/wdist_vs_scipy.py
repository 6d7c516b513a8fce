#!/usr/bin/python3
"""W1 on the ganhpo device versus scipy.stats.wasserstein_distance and numpy, one run.

For each size n, two float32 samples (normal, and normal * 1.3 + 0.2; n values each) are
written to a temporary directory; bench_wdist times ganhpo_wdist_1d_host on them (host
arrays -> device buffers, upload, sort, integral, result read back; device creation and
kernel builds excluded, one warm-up call), and this script times
scipy.stats.wasserstein_distance on the same values as float64 arrays (the conversion is
not timed) and numpy's float32 sort-based W1 for equal sizes, mean(abs(sort(u) - sort(v)))
(the plain peer of issue 10). 'vs numpy' compares the same work (both samples sorted);
'ref s' and 'ref vs np' time ganhpo with v set beforehand as the pre-sorted reference (as
in training: only u is uploaded and sorted) against the same numpy figure. All report the median over repeats; the table prints the
times, ganhpo's speedup over each and the relative difference of the ganhpo and SciPy W1.

usage: bench/wdist_vs_scipy.py [BENCH_WDIST [SIZES]] (default build/bench/bench_wdist and
every size below; SIZES is a comma-separated subset, e.g. 1000000)
Run from the project root; GANHPO_DEVICE selects the device (e.g. cpu).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.stats import wasserstein_distance

SIZES = [(5_000, 21), (100_000, 7), (1_000_000, 5), (10_000_000, 3)]


def scipy_time(u, v, repeats):
    times, w = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        w = wasserstein_distance(u, v)
        times.append(time.perf_counter() - t0)
    return w, statistics.median(times)


def numpy_time(u, v, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        np.mean(np.abs(np.sort(u) - np.sort(v)))
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    exe = sys.argv[1] if len(sys.argv) > 1 else "build/bench/bench_wdist"
    sizes = SIZES
    if len(sys.argv) > 2:
        wanted = [int(x) for x in sys.argv[2].split(",")]
        sizes = [(n, r) for n, r in SIZES if n in wanted]
        if len(sizes) != len(wanted):
            sys.exit(f"wdist_vs_scipy.py: SIZES must be among {[n for n, _ in SIZES]}")
    rng = np.random.default_rng(2024)
    print(f"{'events':>10} {'ganhpo s':>10} {'scipy s':>10} {'speedup':>8} {'numpy s':>10} "
          f"{'vs numpy':>8} {'ref s':>10} {'ref vs np':>9} {'sort ms':>8} {'integ ms':>8} "
          f"{'rel diff W1':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for n, repeats in sizes:
            u = rng.normal(size=n).astype(np.float32)
            v = (rng.normal(size=n) * 1.3 + 0.2).astype(np.float32)
            pu, pv = os.path.join(tmp, "u.f32"), os.path.join(tmp, "v.f32")
            u.tofile(pu)
            v.tofile(pv)
            out = subprocess.run([exe, pu, pv, str(repeats)], check=True,
                                 capture_output=True, text=True).stdout.split()
            w_dev, t_dev = float(out[2]), float(out[3])
            sort_ms, int_ms, t_ref_dev = float(out[5]), float(out[6]), float(out[7])
            w_ref, t_ref = scipy_time(u.astype(np.float64), v.astype(np.float64),
                                      max(1, repeats // 2))
            t_np = numpy_time(u, v, repeats)
            print(f"{n:>10} {t_dev:>10.4f} {t_ref:>10.4f} {t_ref / t_dev:>7.1f}x {t_np:>10.4f} "
                  f"{t_np / t_dev:>7.2f}x {t_ref_dev:>10.4f} {t_np / t_ref_dev:>8.2f}x {sort_ms:>8.1f} {int_ms:>8.1f} "
                  f"{abs(w_dev - w_ref) / w_ref:>12.2e}", flush=True)


if __name__ == "__main__":
    main()
