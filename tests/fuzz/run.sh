#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, AddressSanitizer + UBSan) into build-fuzz/ and runs
# each for SECONDS (default 15) on a corpus seeded from configs/ and tests/data/.
#   tests/fuzz/run.sh            the short CI run
#   SECONDS_EACH=600 JOBS=2 tests/fuzz/run.sh    ten minutes each, two harnesses at a time
# A crash leaves its input as build-fuzz/crash-* and fails the script; make it a regression
# input under tests/data/ with a test that reads it.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${SECONDS_EACH:-15}
jobs=${JOBS:-1}
build=${FUZZ_BUILD_DIR:-build-fuzz}
CC=clang cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DGANHPO_FUZZ=ON >/dev/null
cmake --build "$build" -j 2 --target fuzz_study_load fuzz_columns fuzz_herwig \
  fuzz_results_log fuzz_report_results fuzz_weights >/dev/null

seed() { # seed NAME FILES...: a fresh corpus directory holding the given files
  local dir="$build/corpus/$1"
  shift
  mkdir -p "$dir"
  cp "$@" "$dir/"
}
seed fuzz_study_load configs/*.cfg tests/data/study/*.cfg tests/data/bad/*.cfg tests/data/*.cfg
seed fuzz_columns tests/data/columns_*.csv tests/data/columns_*.txt tests/data/dimuon_sample.txt \
  tests/data/bad/columns_*.txt
seed fuzz_herwig tests/data/herwig_sample.txt tests/data/bad/herwig_*.txt
seed fuzz_results_log tests/data/results_*.csv
seed fuzz_report_results tests/data/results_*.csv
seed fuzz_weights tests/data/*.gan

export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/fuzz/lsan.supp
run_one() {
  local name=$1
  (cd "$build" && tests/fuzz/"$name" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=4096 -print_final_stats=1 "corpus/$name" >"$name.log" 2>&1) || {
    echo "tests/fuzz/run.sh: $name failed; see $build/$name.log" >&2
    tail -40 "$build/$name.log" >&2
    return 1
  }
  echo "$name: $(grep -E '^#[0-9]+.*DONE' "$build/$name.log" | tail -1)"
}
export -f run_one
export build seconds
printf '%s\n' fuzz_study_load fuzz_columns fuzz_herwig fuzz_results_log fuzz_report_results \
  fuzz_weights | xargs -P "$jobs" -I{} bash -c 'run_one {}'
echo "tests/fuzz/run.sh: no crash, leak or sanitizer report"
