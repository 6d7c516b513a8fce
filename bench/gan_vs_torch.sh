#!/bin/sh
# ganhpo versus PyTorch (../shared/bench/torch_gan.py, 2 threads) on this machine, side by
# side in one run: the paper's best case-study-1 architecture and a small unconditional
# one, with 1 trial and with 5 trials (ganhpo batches them; PyTorch runs them one after
# another). Each measurement is repeated REPEATS times, alternating the two programs; the
# table shows the medians and their ratio.
#
# usage: bench/gan_vs_torch.sh [BUILD_DIR [REPEATS]]   (from the repository root)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
reps=${2:-3}
torch="$root/../shared/bench/torch_gan.py"
export THREADS=${THREADS:-2}
[ -x "$build/ganhpo" ] || { echo "no $build/ganhpo: build first" >&2; exit 2; }
[ -f "$torch" ] || { echo "no $torch" >&2; exit 2; }

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
rate() { sed -n 's/.*events_per_s=\([0-9.]*\).*/\1/p'; }

# name cond noise targets gen disc batch steps trials
run() {
    name=$1 c=$2 n=$3 t=$4 g=$5 d=$6 b=$7 s=$8 k=$9
    ours="" theirs=""
    i=0
    while [ "$i" -lt "$reps" ]; do
        ours="$ours $("$build/ganhpo" bench gan --cond "$c" --noise "$n" --targets "$t" \
            --gen "$g" --disc "$d" --batch "$b" --steps "$s" --trials "$k" | rate)"
        theirs="$theirs $(/usr/bin/python3 "$torch" "$c" "$n" "$t" "$g" "$d" "$b" "$s" "$k" | rate)"
        i=$((i + 1))
    done
    mo=$(echo "$ours" | tr ' ' '\n' | grep . | median)
    mt=$(echo "$theirs" | tr ' ' '\n' | grep . | median)
    printf "%-34s %12.0f %12.0f %7.2fx   ganhpo:%s  torch:%s\n" "$name" "$mo" "$mt" \
        "$(echo "$mo $mt" | awk '{print $1 / $2}')" "$ours" "$theirs"
}

printf "%-34s %12s %12s %8s\n" "events/s (median of $reps)" "ganhpo" "pytorch" "ratio"
run "a: c4 n3 t2 g65 d243 b642" 4 3 2 65 243 642 30 1
run "b: c0 n10 t6 g64 d64 b64, 1 trial" 0 10 6 64 64 64 300 1
run "b: 5 trials" 0 10 6 64 64 64 300 5
