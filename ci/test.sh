#!/usr/bin/env bash
# The whole check CI runs: clang-format over every C and OpenCL file, setup and build
# (warnings are errors), every CTest test on the PoCL CPU device, then the AddressSanitizer +
# UBSan build of the tests that need no OpenCL.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI=${CI:-true}

# Unformatted C fails the check before anything is built.
git ls-files -z -- 'src/*.c' 'src/*.h' 'include/*.h' 'cl/*.cl' 'cl/*.h' 'tests/*.c' 'tests/*.h' \
  'bench/*.c' 'examples/*.c' | xargs -0 clang-format --dry-run -Werror

ci/setup.sh
(cd build && ctest --output-on-failure --timeout 900 -j 2)

BUILD_DIR=build-asan ci/setup.sh -DCMAKE_BUILD_TYPE=Debug -DGANHPO_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure --timeout 900 -L host)
# Each libFuzzer harness for a short time (tests/fuzz/run.sh; SECONDS_EACH=600 for long runs).
SECONDS_EACH=${FUZZ_SECONDS:-15} tests/fuzz/run.sh
echo "ci/test.sh: all tests passed"
