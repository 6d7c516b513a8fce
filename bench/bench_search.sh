#!/usr/bin/env bash
# The search benchmarks. 1) Issue 5's: 20 repeats, budget 100, max(10, d+1) initial points,
# 1001-level lattices, Hartmann6 / Ackley10 / Branin, strategies random, rbf and gp: mean +-
# std of the best value after 10, 50 and 100 evaluations and whether each target is met.
# 2) Issue 12's noisy problems (Branin noise 2.0 with 3 trials, Hartmann6 0.3 with 5,
# Ackley10 1.0 with 3; 10 initial points), scored by the noise-free value of the recommended
# point, with Optuna's TPE and random samplers beside them (Optuna installed into a virtual
# environment under the build directory; skipped with NO_OPTUNA=1). Exit status 1 if a
# target of 1) is missed. Extra arguments go to bench_search (--problems, --strategies,
# --repeats, --budget, --seed).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake --build "$BUILD_DIR" --target bench_search -j2 >/dev/null
status=0
"$BUILD_DIR/bench/bench_search" "$@" || status=1
"$BUILD_DIR/bench/bench_search" --noisy 1 "$@"
if [ "${NO_OPTUNA:-0}" != 1 ]; then
    venv="$BUILD_DIR/temp/optuna-venv"
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install -q optuna
    fi
    "$venv/bin/python" bench/optuna_search.py
fi
exit $status
