#!/usr/bin/env python3
"""The numbers of docs/paper-reproduction.md from a tools/paper-mini.sh run.

  paper_mini.py scan-config TEMPLATE.cfg RESULTS.csv   the scan study file, its fixed gan
                                                       values set to the best ok row
  paper_mini.py summary OUTPUT_DIR                     summary.md (Markdown) on stdout

Reads results.csv by its header names (configs/README.md), the reports' sobol.csv, the
ensembles' ensemble_w1.csv and OUTPUT_DIR/timings.csv. Needs only Python 3 and numpy.
"""
import csv
import math
import os
import re
import sys

import numpy as np

SEARCHES = ["hadronization-w1", "hadronization-sliced", "dimuon-w1"]
STRATEGIES = ["random", "gp", "rbf"]
FIXED = ["noise_dim", "batch_size", "lr_disc", "gen_layersize", "disc_layersize"]
# The paper's broad search (Table 1) for the projection: trials, epochs, training events,
# evaluations (3 strategies x 20 searches x 100), and its Table 1 lattices (lowest level,
# highest level, scaling) of the widths (64..1024) and the noise dimension (4..400).
PAPER = dict(trials=5, epochs=20, events=95000, evaluations=3 * 20 * 100, width=(8, 128, 8),
             noise=(1, 100, 4))
# The paper's own GPU times (section 4.3): one 20-epoch training of an architecture takes 2 to
# 15 minutes; it ran up to 80 GPUs per search, in groups of 8 sharing a point's trials.
PAPER_GPU_MINUTES = (2, 15)
PAPER_GPUS = 80


def die(msg):
    sys.stderr.write(f"paper_mini.py: {msg}\n")
    sys.exit(2)


def read_rows(path):
    try:
        with open(path, newline="") as f:
            return list(csv.DictReader(f))
    except OSError as e:
        die(f"{path}: {e.strerror}")


def ok_rows(rows):
    return [r for r in rows if r["status"] == "ok"]


def best_row(path):
    rows = ok_rows(read_rows(path))
    if not rows:
        die(f"{path}: no successful evaluation to take the best point from")
    return min(rows, key=lambda r: float(r["objective"]))


def scan_config(template, results):
    best = best_row(results)
    try:
        text = open(template).read()
    except OSError as e:
        die(f"{template}: {e.strerror}")
    for name in FIXED:
        value = best["value_" + name]
        text, n = re.subn(rf"^(\s*{name}\s*=\s*)[^;]+;", rf"\g<1>{value};", text, flags=re.M)
        if n != 1:
            die(f"{template}: expected one line 'gan.{name} = ...;' to set, found {n}")
    header = (f"# Written by tools/paper-mini.sh: the gan values are those of row {best['id']} of "
              f"{results} (mean {best['mean']} +- {best['std']}).\n")
    sys.stdout.write(header + text)


def study_key(run_dir, pattern):
    """A value of the resolved study file that ganhpo keeps beside results.csv."""
    path = os.path.join(run_dir, "study.cfg")
    try:
        found = re.search(pattern, open(path).read())
    except OSError as e:
        die(f"{path}: {e.strerror}")
    if not found:
        die(f"{path}: no match for {pattern}")
    return found.group(1)


def trial_values(row, metric):
    return [float(v) for v in row["metric_" + metric].split(";")]


def fmt(x, digits=3):
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.{digits}g}"


def best_so_far(rows, budget):
    """mean and std over repeats of the best mean within the first 25/50/100 % of the budget."""
    by_repeat = {}
    for r in rows:
        by_repeat.setdefault(r["repeat"], []).append(r)
    out = []
    for share in (0.25, 0.5, 1.0):
        limit = max(1, math.ceil(share * budget))
        bests = [min([float(r["mean"]) for r in rs if int(r["index"]) <= limit] or [math.inf])
                 for rs in by_repeat.values()]
        bests = [b for b in bests if math.isfinite(b)]
        out.append((np.mean(bests), np.std(bests)) if bests else (math.nan, math.nan))
    return out


def ranks(x):
    order = np.argsort(x, kind="stable")
    r = np.empty(len(x))
    r[order] = np.arange(len(x))
    return r


def spearman(a, b):
    if len(a) < 3:
        return math.nan
    return float(np.corrcoef(ranks(np.asarray(a)), ranks(np.asarray(b)))[0, 1])


def budget_of(rows):
    return max(int(r["index"]) for r in rows)


def search_section(out, name, timings):
    path = os.path.join(out, name, "results.csv")
    if not os.path.exists(path):
        return [f"## {name}\n", "not run yet\n"]
    rows = read_rows(path)
    ok = ok_rows(rows)
    metric = study_key(os.path.join(out, name), r'metric\s*=\s*"(\w+)"')
    means = np.array([float(r["mean"]) for r in ok])
    threshold = float(np.quantile(means, 0.1))
    budget = budget_of(ok)
    lines = [f"## {name}\n",
             f"Searched with `{metric}`; {len(rows)} evaluations, {len(rows) - len(ok)} failed; "
             f"threshold = the pooled best decile of mean {metric}, {fmt(threshold)}.\n",
             f"| strategy | points | share under threshold | median mean {metric} | "
             f"best at 25 % | best at 50 % | best at 100 % of {budget} |",
             "|---|---|---|---|---|---|---|"]
    for s in STRATEGIES:
        rs = [r for r in ok if r["strategy"] == s]
        if not rs:
            continue
        m = np.array([float(r["mean"]) for r in rs])
        b = best_so_far(rs, budget)
        cells = " | ".join(f"{fmt(mu)} +- {fmt(sd, 2)}" for mu, sd in b)
        lines.append(f"| {s} | {len(rs)} | {np.mean(m <= threshold) * 100:.0f} % | "
                     f"{fmt(float(np.median(m)))} | {cells} |")
    other = "sliced_w1" if metric == "w1" else "w1"
    if ok and "metric_" + other in ok[0]:
        a = [float(r["mean"]) for r in ok]
        b = [float(np.mean(trial_values(r, other))) for r in ok]
        lines.append(f"\nSpearman rank correlation of the points' mean `{metric}` with their mean "
                     f"`{other}`: {fmt(spearman(a, b), 2)}.")
        best = min(ok, key=lambda r: float(r["objective"]))
        lines.append(f"Best point (row {best['id']}, {best['strategy']}): {metric} "
                     f"{fmt(float(best['mean']))} +- {fmt(float(best['std']), 2)}, {other} "
                     f"{fmt(float(np.mean(trial_values(best, other))))}; " +
                     ", ".join(f"{k[6:]} {best[k]}" for k in best if k.startswith("value_")) + ".")
    lines += sobol_lines(os.path.join(out, name, "report", "sobol.csv"))
    lr = [(float(r["value_lr_gen"]), float(r["mean"])) for r in ok if "value_lr_gen" in r]
    if lr:
        good = [v for v, m in lr if m <= threshold]
        lines.append(f"\nlr_gen of the points under the threshold: {fmt(min(good))} to "
                     f"{fmt(max(good))} (median {fmt(float(np.median(good)))}); of all points: "
                     f"{fmt(min(v for v, _ in lr))} to {fmt(max(v for v, _ in lr))}.")
    secs = np.array([float(r["seconds"]) for r in ok])
    lines.append(f"\nTime: {fmt(timings.get(name, math.nan))} s for the study; per evaluation "
                 f"median {fmt(float(np.median(secs)))} s, mean {fmt(float(np.mean(secs)))} s.\n")
    return lines


def sobol_lines(path):
    if not os.path.exists(path):
        return []
    rows = read_rows(path)
    rows.sort(key=lambda r: -float(r["total"]))
    return ["\nSobol indices of the surrogate fitted to all points (first order / total): " +
            ", ".join(f"{r['name']} {float(r['first']):.2f} / {float(r['total']):.2f}"
                      for r in rows) + "."]


def scan_section(out, timings):
    path = os.path.join(out, "hadronization-lr-scan", "results.csv")
    if not os.path.exists(path):
        return ["## hadronization-lr-scan\n", "not run yet\n"]
    ok = ok_rows(read_rows(path))
    swept = sorted({float(r["value_lr_gen"]) for r in ok})
    lines = ["## hadronization-lr-scan\n",
             "| epochs | best lr_gen | its mean w1 | lr_gen range within 1.5x of the best "
             f"(decades) | mean w1 at {fmt(swept[0])} | at {fmt(swept[-1])} |",
             "|---|---|---|---|---|---|"]
    for e in sorted({int(r["epochs"]) for r in ok}):
        rs = sorted((float(r["value_lr_gen"]), float(r["mean"]))
                    for r in ok if int(r["epochs"]) == e)
        lr, m = zip(*rs)
        i = int(np.argmin(m))
        good = [v for v, w in rs if w <= 1.5 * m[i]]
        lines.append(f"| {e} | {fmt(lr[i])} | {fmt(m[i])} | {fmt(min(good))} to {fmt(max(good))} "
                     f"({math.log10(max(good) / min(good)):.1f}) | {fmt(m[0])} | {fmt(m[-1])} |")
    lines.append(f"\nTime: {fmt(timings.get('hadronization-lr-scan', math.nan))} s.\n")
    return lines


def ensemble_section(out):
    lines = ["## ensembles\n", "| study | models | best-epoch w1 mean | std | std / mean |",
             "|---|---|---|---|---|"]
    for name in ("hadronization-w1", "dimuon-w1"):
        path = os.path.join(out, name, "ensemble", "ensemble_w1.csv")
        if not os.path.exists(path):
            continue
        rows = {r["model"]: float(r["w1"]) for r in read_rows(path)}
        n = len(rows) - 2
        lines.append(f"| {name} | {n} | {fmt(rows['mean'])} | {fmt(rows['std'])} | "
                     f"{rows['std'] / rows['mean']:.2f} |")
    lines.append("")
    return lines


def parameters(width_g, width_d, noise, cond, targets):
    """Weights and biases of G and D as SPEC section 2 builds them (BatchNorm included)."""
    g = (cond + noise) * width_g + width_g * width_g + width_g * targets + 2 * width_g + targets
    g += 4 * width_g
    d = (cond + targets) * width_d + width_d * width_d + width_d + 2 * width_d + 1 + 4 * width_d
    return g + d


def projection_lines(out):
    """Seconds per (trial x epoch x training event) against the parameters, fitted over every
    logged evaluation, applied to the paper's broad search."""
    xs, ys = [], []
    for name in SEARCHES:
        path = os.path.join(out, name, "results.csv")
        if not os.path.exists(path):
            continue
        events, validation, trials = (int(study_key(os.path.join(out, name), rf"\b{k}\s*=\s*(\d+)"))
                                      for k in ("events", "validation", "trials"))
        for r in ok_rows(read_rows(path)):
            work = trials * int(r["epochs"]) * (events - validation)
            xs.append(float(r["parameters"]))
            ys.append(float(r["seconds"]) / work)
    if len(xs) < 2:
        return []
    slope, intercept = np.polyfit(xs, ys, 1)
    rng = np.random.default_rng(1)

    def draw(lattice):
        lower, upper, scaling = lattice
        return rng.integers(lower, upper + 1) * scaling

    samples = [parameters(draw(PAPER["width"]), draw(PAPER["width"]), draw(PAPER["noise"]), 4, 2)
               for _ in range(4000)]
    per_eval = np.mean([(intercept + slope * p) for p in samples]) * (
        PAPER["trials"] * PAPER["epochs"] * PAPER["events"])
    total = per_eval * PAPER["evaluations"]
    return ["## projection to the paper's size\n",
            f"Fitted over {len(xs)} evaluations: seconds per trial-epoch-event = "
            f"{intercept:.3g} + {slope:.3g} x parameters.",
            f"The paper's broad search (5 trials, 20 epochs, 95,000 training events, widths "
            f"64..1024, 3 strategies x 20 searches x 100 evaluations) on this 2-core CPU: "
            f"{per_eval / 60:.0f} min per evaluation, {total / 86400:.0f} days in all; "
            f"one search of 100 evaluations {per_eval * 100 / 3600:.0f} h.",
            gpu_projection_line() + "\n"]


def gpu_projection_line():
    """No GPU measured here: the paper's per-training GPU times, with ganhpo's dispatch."""
    lo, hi = (m * PAPER["trials"] / 60 for m in PAPER_GPU_MINUTES)  # hours per evaluation
    n = PAPER["evaluations"]
    groups = PAPER_GPUS // PAPER["trials"]
    return (f"On GPUs, with the paper's 2-15 min per 20-epoch training (not measured here): one "
            f"GPU {lo * n / 24:.0f}-{hi * n / 24:.0f} days for the whole broad search, one search "
            f"of 100 evaluations {lo * 100:.0f}-{hi * 100:.0f} h; under mpiexec with "
            f"{PAPER_GPUS} GPUs in {groups} groups of {PAPER['trials']} (one point's trials at "
            f"once, group_size {PAPER['trials']}), 1/{PAPER_GPUS} of that when every group is "
            f"busy: {lo * n / PAPER_GPUS:.0f}-{hi * n / PAPER_GPUS:.0f} h for the whole "
            f"search, {lo * 100 / PAPER_GPUS * 60:.0f}-{hi * 100 / PAPER_GPUS * 60:.0f} min for "
            f"one search if its pending points keep all {groups} groups busy.")


def summary(out):
    timings = {}
    path = os.path.join(out, "timings.csv")
    if os.path.exists(path):
        for r in read_rows(path):
            name = r["step"]
            timings[name] = timings.get(name, 0.0) + float(r["seconds"])
    lines = [f"# paper-mini summary ({out})\n"]
    for name in SEARCHES:
        lines += search_section(out, name, timings)
    lines += scan_section(out, timings)
    lines += ensemble_section(out)
    lines += projection_lines(out)
    lines += ["## time per step (s)\n", "| step | seconds |", "|---|---|"]
    lines += [f"| {k} | {v:.0f} |" for k, v in timings.items()]
    lines.append(f"| all | {sum(timings.values()):.0f} |")
    print("\n".join(lines))


def main(argv):
    if len(argv) == 4 and argv[1] == "scan-config":
        scan_config(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "summary":
        summary(argv[2])
    else:
        die("usage: paper_mini.py scan-config TEMPLATE.cfg RESULTS.csv | summary OUTPUT_DIR")


if __name__ == "__main__":
    main(sys.argv)
