#!/bin/sh
# tools/paper-mini.sh on tiny copies of its study files (tests/data/paper-mini-tiny): a run
# stopped by SIGTERM during its first study and run again completes every study exactly once
# (no evaluation logged twice, none missing), the scan is fixed at the best point of the w1
# search, both ensembles and every report exist, and summary.md holds every section. A
# missing study file is refused before anything runs.
# Usage: test_paper_mini.sh GANHPO SOURCE_DIR
set -eu
ganhpo=$1 src=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ganhpo_paper_mini_XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_paper_mini: $*" >&2; exit 1; }
export GANHPO="$ganhpo" GANHPO_PAPER_CONFIGS="$src/tests/data/paper-mini-tiny" GANHPO_ENSEMBLE_K=2
out=$tmp/run

if GANHPO_PAPER_CONFIGS=$tmp "$src/tools/paper-mini.sh" "$out" 2>"$tmp/err"; then
    fail "a folder without the study files was accepted"
fi
grep -q "hadronization-w1.cfg is missing" "$tmp/err" || fail "unclear refusal: $(cat "$tmp/err")"
[ ! -e "$out" ] || fail "the refused run wrote $out"

# Stopped during the first study: its process group gets SIGTERM once rows are logged.
setsid "$src/tools/paper-mini.sh" "$out" >"$tmp/first.log" 2>&1 &
pid=$!
rows=0
for _ in $(seq 1 600); do
    rows=$( (cat "$out/hadronization-w1/results.csv" 2>/dev/null || true) | wc -l)
    [ "$rows" -ge 6 ] && break
    sleep 0.1
done
[ "$rows" -ge 6 ] || fail "the first study logged no rows: $(tail -5 "$tmp/first.log")"
kill -TERM -"$pid"
wait "$pid" && fail "the stopped run exited 0"
# ganhpo finishes its running evaluation and logs it before it exits (its lock goes with it).
for _ in $(seq 1 600); do
    kill -0 -"$pid" 2>/dev/null || break
    sleep 0.1
done
kill -0 -"$pid" 2>/dev/null && fail "the stopped run's ganhpo did not exit"
[ ! -e "$out/summary.md" ] || fail "the stopped run wrote summary.md"

"$src/tools/paper-mini.sh" "$out" >"$tmp/second.log" 2>&1 ||
    fail "the resumed run failed: $(tail -5 "$tmp/second.log")"
grep -q "resuming from" "$tmp/second.log" || fail "the second run did not resume the first study"

# Every search: 3 strategies x 2 repeats x budget 4, each (strategy, repeat, index) once.
for name in hadronization-w1 hadronization-sliced dimuon-w1; do
    csv=$out/$name/results.csv
    n=$(tail -n +2 "$csv" | cut -d, -f2-4 | sort -u | wc -l)
    all=$(tail -n +2 "$csv" | wc -l)
    [ "$n" -eq 24 ] && [ "$all" -eq 24 ] || fail "$csv: $all rows, $n distinct, expected 24"
    [ -s "$out/$name/report/index.html" ] || fail "$name has no report"
done
for name in hadronization-w1 dimuon-w1; do
    [ "$(grep -c '^[0-9]' "$out/$name/ensemble/ensemble_w1.csv")" -eq 2 ] ||
        fail "$name: the ensemble does not hold 2 models"
done
# 3 levels x 2 training lengths.
[ "$(tail -n +2 "$out/hadronization-lr-scan/results.csv" | wc -l)" -eq 6 ] ||
    fail "the scan does not hold 6 rows"

# The scan's fixed values are those of the w1 search's best row.
best=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["status"] == "ok" && (b == "" || $c["objective"] + 0 < b) { b = $c["objective"] + 0;
    v = $c["value_batch_size"] " " $c["value_gen_layersize"] " " $c["value_disc_layersize"] }
    END { print v }' "$out/hadronization-w1/results.csv")
set -- $best
grep -q "^ *batch_size = $1;" "$out/hadronization-lr-scan.cfg" &&
    grep -q "^ *gen_layersize = $2;" "$out/hadronization-lr-scan.cfg" &&
    grep -q "^ *disc_layersize = $3;" "$out/hadronization-lr-scan.cfg" ||
    fail "the scan is not fixed at the best point ($best)"

for section in "## hadronization-w1" "## hadronization-sliced" "## dimuon-w1" \
    "## hadronization-lr-scan" "## ensembles" "## projection" "| rbf | 8 |" "Sobol"; do
    grep -q "$section" "$out/summary.md" || fail "summary.md lacks '$section'"
done
echo "test_paper_mini: ok"
