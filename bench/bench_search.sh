#!/usr/bin/env bash
# Issue 5's search benchmark: 20 repeats, budget 100, max(10, d+1) initial points, 1001-level
# lattices, Hartmann6 / Ackley10 / Branin, strategies random, rbf and gp. Prints the table of
# mean +- std of the best value after 10, 50 and 100 evaluations and whether each target is
# met (exit status 1 if one is missed). Extra arguments go to bench_search
# (--problems, --strategies, --repeats, --budget, --seed).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake --build "$BUILD_DIR" --target bench_search -j2 >/dev/null
"$BUILD_DIR/bench/bench_search" "$@"
