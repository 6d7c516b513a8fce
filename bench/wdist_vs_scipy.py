#!/usr/bin/python3
"""W1 on the ganhpo device versus scipy.stats.wasserstein_distance and numpy, one run.

For each size n, two float32 samples (normal, and normal * V_SCALE + V_SHIFT, env, default
1.3 and 0.2; n values each) are written to a temporary directory and timed, medians over
repeats, the peers interleaved with ganhpo in the same run. ganhpo's time depends on the
samples, numpy's hardly: where the two samples' quantiles lie apart, ganhpo's equal-size
integral pairs keys without sorting them, so V_SCALE=1 V_SHIFT=0 (two independent samples
of one distribution, a converged generator) is its slow case:

  ganhpo s   bench_wdist's 'both' span: ganhpo_wdist_1d_host from host arrays to the result
             (both samples uploaded, sorted, integrated, the result read back; device
             creation and kernel builds excluded, one warm-up call);
  scipy s    scipy.stats.wasserstein_distance on the same values as float64 arrays (the
             conversion is not timed); 'speedup' = scipy s / ganhpo s;
  np s       numpy's float32 sort-based W1, np.mean(np.abs(np.sort(u) - np.sort(v))), under
             the numpy this script runs with; 'vs np' = np s / ganhpo s (the same work);
  np2 s      the same under a second interpreter's numpy (env NUMPY2_PYTHON, e.g. a venv
             with numpy 2, whose np.sort uses AVX-512); columns absent without it;
  ref s      ganhpo with v set beforehand as the pre-sorted reference (as in training):
             u uploaded, sorted, integrated;
  resident s the same with u already on the device (training: the generated sample is
             there), the fair training comparison against
  np ref s   numpy with v pre-sorted: np.mean(np.abs(np.sort(u) - v_sorted));
             'res vs np ref' = np ref s / resident s (and 'vs np2 ref' for the second numpy).
ganhpo and the numpys alternate in ROUNDS rounds (env, default 3; each round runs
bench_wdist, then numpy, then the second numpy, each with the size's repeats): the times
are the medians over the rounds of each round's median, each ratio the median over the
rounds of that round's ratio (the shared machine's load changes between rounds; a 2-thread
ganhpo suffers more from it than single-threaded numpy). SciPy runs once per size. The table
ends with the relative difference of the ganhpo and SciPy W1. Then, per size, where
ganhpo's time goes: bench_wdist's per-pass device times (OpenCL profiling events, medians)
for each span in the last round, their sum and the wall time of those calls.

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

SIZES = [(5_000, 21), (100_000, 7), (1_000_000, 5), (10_000_000, 3)]
ROUNDS = int(os.environ.get("ROUNDS", "3"))
V_SCALE = float(os.environ.get("V_SCALE", "1.3"))
V_SHIFT = float(os.environ.get("V_SHIFT", "0.2"))


def median_time(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def numpy_times(pu, pv, repeats):
    """(both, ref): numpy's float32 W1 with both samples sorted, and with v pre-sorted."""
    u, v = np.fromfile(pu, dtype=np.float32), np.fromfile(pv, dtype=np.float32)
    v_sorted = np.sort(v)
    both = median_time(lambda: np.mean(np.abs(np.sort(u) - np.sort(v))), repeats)
    ref = median_time(lambda: np.mean(np.abs(np.sort(u) - v_sorted)), repeats)
    return both, ref


def other_numpy(python, pu, pv, repeats):
    """numpy_times under another interpreter (this file run with --numpy)."""
    out = subprocess.run([python, __file__, "--numpy", pu, pv, str(repeats)], check=True,
                         capture_output=True, text=True).stdout.split()
    return float(out[0]), float(out[1]), out[2]


def run_bench(exe, pu, pv, repeats):
    lines = subprocess.run([exe, pu, pv, str(repeats)], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    head = lines[0].split()
    passes = [line.split()[1:] for line in lines[1:] if line.startswith("pass ")]
    return float(head[2]), float(head[3]), float(head[4]), float(head[5]), passes


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--numpy":
        both, ref = numpy_times(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        print(both, ref, np.__version__)
        return
    from scipy.stats import wasserstein_distance

    exe = sys.argv[1] if len(sys.argv) > 1 else "build/bench/bench_wdist"
    np2 = os.environ.get("NUMPY2_PYTHON")
    sizes = SIZES
    if len(sys.argv) > 2:
        wanted = [int(x) for x in sys.argv[2].split(",")]
        sizes = [(n, r) for n, r in SIZES if n in wanted]
        if len(sizes) != len(wanted):
            sys.exit(f"wdist_vs_scipy.py: SIZES must be among {[n for n, _ in SIZES]}")
    rng = np.random.default_rng(2024)
    head = (f"{'events':>10} {'ganhpo s':>9} {'scipy s':>8} {'speedup':>7} {'np s':>8} "
            f"{'vs np':>6} ")
    if np2:
        head += f"{'np2 s':>8} {'vs np2':>6} "
    head += f"{'ref s':>8} {'resident s':>10} {'np ref s':>8} {'res vs np ref':>13} "
    if np2:
        head += f"{'np2 ref s':>9} {'vs np2 ref':>10} "
    head += f"{'rel diff W1':>11}"
    versions = f"numpy {np.__version__}"
    breakdown = []
    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for n, repeats in sizes:
            u = rng.normal(size=n).astype(np.float32)
            v = (rng.normal(size=n) * V_SCALE + V_SHIFT).astype(np.float32)
            pu, pv = os.path.join(tmp, "u.f32"), os.path.join(tmp, "v.f32")
            u.tofile(pu)
            v.tofile(pv)
            runs = []  # per round: ganhpo both, ref, resident; np both, ref [; np2 both, ref]
            for _ in range(ROUNDS):
                w_dev, t_dev, t_ref_dev, t_res_dev, passes = run_bench(exe, pu, pv, repeats)
                run = (t_dev, t_ref_dev, t_res_dev) + numpy_times(pu, pv, repeats)
                if np2:
                    t_np2, t_np2_ref, version2 = other_numpy(np2, pu, pv, repeats)
                    run += (t_np2, t_np2_ref)
                runs.append(run)
            t_sp = median_time(lambda: wasserstein_distance(u.astype(np.float64),
                                                            v.astype(np.float64)),
                               max(1, repeats // 2))
            w_ref = wasserstein_distance(u.astype(np.float64), v.astype(np.float64))
            med = [statistics.median(r[i] for r in runs) for i in range(len(runs[0]))]
            t_dev, t_ref_dev, t_res_dev, t_np, t_np_ref = med[:5]

            def ratio(num, den):
                return statistics.median(r[num] / r[den] for r in runs)

            row = (f"{n:>10} {t_dev:>9.4f} {t_sp:>8.4f} {t_sp / t_dev:>6.1f}x {t_np:>8.4f} "
                   f"{ratio(3, 0):>5.2f}x ")
            if np2:
                row += f"{med[5]:>8.4f} {ratio(5, 0):>5.2f}x "
            row += (f"{t_ref_dev:>8.4f} {t_res_dev:>10.4f} {t_np_ref:>8.4f} "
                    f"{ratio(4, 2):>12.2f}x ")
            if np2:
                row += f"{med[6]:>9.4f} {ratio(6, 2):>9.2f}x "
                versions = f"numpy {np.__version__} (np), numpy {version2} (np2)"
            row += f"{abs(w_dev - w_ref) / w_ref:>11.2e}"
            rows.append(row)
            breakdown.append((n, passes))
            if len(rows) == 1:
                print(versions)
                print(head)
            print(row, flush=True)
    print("\nganhpo device time per pass (ms, OpenCL events, medians; 'wall': the same calls)")
    for n, passes in breakdown:
        for span in ("both", "reference", "resident"):
            cells = [f"{name} {ms}" + (f" x{k}" if int(k) > 1 else "")
                     for s, name, k, ms in passes if s == span]
            print(f"{n:>10} {span:>9}: " + ", ".join(cells))


if __name__ == "__main__":
    main()
