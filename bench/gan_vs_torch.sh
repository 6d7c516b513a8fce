#!/bin/sh
# ganhpo against the peers a physicist would write today, side by side in one run on this
# machine: JAX (../shared/bench/jax_gan.py: jit + vmap + scan) and PyTorch 2
# (../shared/bench/torch2_gan.py, the best of its VARIANTs seq / func / bmm), same model and
# step, the issue-10 architectures with 1 and 5 trials. Each measurement is repeated
# REPEATS times, the programs alternating; the table shows medians (events/s), ganhpo over
# the best peer, and the fraction of this machine's SGEMM peak each reaches (the step's
# GEMM operations, printed by `ganhpo bench gan`, times steps/s, over numpy/OpenBLAS's
# 2048^3 SGEMM on THREADS threads, measured here first).
#
# ganhpo runs with gan.disc_batchnorm = separate (DISC_BN), as the peers do.
# The peers need virtual environments (their headers say how): JAX_PYTHON and TORCH_PYTHON
# (defaults ../venvs/jax and ../venvs/torch2 next to the repository; PEER_DIR the folder of
# the peer scripts, default ../shared/bench); a missing one prints
# "-". TORCH_VARIANTS (default "seq func bmm") and TORCH_COMPILE (default 0; "0 1" tries
# both) pick the PyTorch runs; the column shows the best.
#
# On a GPU machine: ganhpo takes the device GANHPO_DEVICE selects; TORCH_DEVICE=cuda runs
# the PyTorch peer there through bench/torch_on_device.py (its clock waits for the GPU); JAX
# takes its default backend (the GPU when jax has one; JAX_DEFAULT_MATMUL_PRECISION=highest
# keeps its products in float32, as ganhpo's, rather than TF32); STEPS_SCALE (default 1)
# multiplies every row's steps, since a GPU step takes microseconds. The peak is then the
# float32 matrix product measured with PyTorch on TORCH_DEVICE (8192^3, TF32 off).
# ROWS (default "A1 A5 B1 B5 C5") picks the rows and their order.
#
# usage: bench/gan_vs_torch.sh [BUILD_DIR [REPEATS]]   (from the repository root)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
reps=${2:-3}
disc_bn=${DISC_BN:-separate}
bench_dir=${PEER_DIR:-$root/../shared/bench}
jax_py=${JAX_PYTHON:-$root/../venvs/jax/bin/python}
torch_py=${TORCH_PYTHON:-$root/../venvs/torch2/bin/python}
variants=${TORCH_VARIANTS:-seq func bmm}
compiles=${TORCH_COMPILE:-0}
torch_device=${TORCH_DEVICE:-cpu}
rows=${ROWS:-A1 A5 B1 B5 C5}
for r in $rows; do
    case $r in
    A1 | A5 | B1 | B5 | C5) ;;
    *) echo "gan_vs_torch.sh: ROWS: unknown row '$r' (the rows are A1 A5 B1 B5 C5)" >&2; exit 2 ;;
    esac
done
scale=${STEPS_SCALE:-1}
export THREADS=${THREADS:-2}
[ -x "$build/ganhpo" ] || { echo "no $build/ganhpo: build first" >&2; exit 2; }

median() { sort -n | awk '{v[NR] = $1} END {if (NR == 0) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
rate() { sed -n 's/.*events_per_s=\([0-9.]*\).*/\1/p' | head -n 1; }
have() { [ -x "$1" ] && "$1" -c "import $2" 2>/dev/null; }

peak_py=$jax_py
have "$peak_py" numpy || peak_py=$torch_py
have "$peak_py" numpy || peak_py=python3
if [ "$torch_device" != cpu ]; then
    peak=$("$torch_py" -c '
import sys, time, torch
d = sys.argv[1]
torch.backends.cuda.matmul.allow_tf32 = False
a = torch.rand(8192, 8192, device=d); b = torch.rand(8192, 8192, device=d)
(a @ b).sum().item()
t0 = time.perf_counter()
for _ in range(10): c = a @ b
c.sum().item()
print("%.1f" % (10 * 2 * 8192 ** 3 / (time.perf_counter() - t0) * 1e-9))' "$torch_device")
    echo "SGEMM peak (torch on $torch_device, float32 8192^3, TF32 off): $peak GFLOP/s"
else
peak=$(OPENBLAS_NUM_THREADS=$THREADS OMP_NUM_THREADS=$THREADS "$peak_py" -c '
import time, numpy as np
a = np.random.rand(2048, 2048).astype(np.float32); b = np.random.rand(2048, 2048).astype(np.float32)
a @ b
best = min((lambda t0: (a @ b, time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(5))
print("%.1f" % (2 * 2048 ** 3 / best * 1e-9))')
echo "SGEMM peak (numpy $("$peak_py" -c 'import numpy; print(numpy.__version__)'), 2048^3, $THREADS threads): $peak GFLOP/s"
fi
"$build/ganhpo" bench gan --steps 1 --gen 8 --disc 8 --batch 8 | sed -n 's/^device /ganhpo device /p'
echo "ganhpo disc_batchnorm $disc_bn; events/s, medians of $reps; %peak: GEMM GFLOP/s of the step over the peak"
printf "%-30s %9s %9s %9s %-9s %7s %7s %7s\n" "architecture, trials" "ganhpo" "JAX" "PyTorch2" "(variant)" "g/best" "%pk g" "%pk best"

# one run of a peer script: python script variant compile args...
peer() {
    py=$1 script=$2 v=$3 c=$4
    shift 4
    if [ "$script" = torch2_gan.py ] && [ "$torch_device" != cpu ]; then
        VARIANT=$v COMPILE=$c TORCH_DEVICE=$torch_device "$py" "$root/bench/torch_on_device.py" \
            "$bench_dir/$script" "$@" 2>/dev/null | rate
    else
        VARIANT=$v COMPILE=$c "$py" "$bench_dir/$script" "$@" 2>/dev/null | rate
    fi
}

# name cond noise targets gen disc batch steps trials
run() {
    name=$1 c=$2 n=$3 t=$4 g=$5 d=$6 b=$7 s=$(($8 * scale)) k=$9
    ours="" jax="" gflop=0
    torch_runs=""
    i=0
    while [ "$i" -lt "$reps" ]; do
        out=$("$build/ganhpo" bench gan --cond "$c" --noise "$n" --targets "$t" --gen "$g" \
            --disc "$d" --batch "$b" --steps "$s" --trials "$k" --disc-batchnorm "$disc_bn")
        ours="$ours $(echo "$out" | rate)"
        gflop=$(echo "$out" | sed -n 's/.*gemm_gflop_per_step=\([0-9.]*\).*/\1/p')
        if have "$jax_py" jax; then
            jax="$jax $(peer "$jax_py" jax_gan.py - - "$c" "$n" "$t" "$g" "$d" "$b" "$s" "$k")"
        fi
        if have "$torch_py" torch; then
            for v in $variants; do
                for cc in $compiles; do
                    torch_runs="$torch_runs $v/$cc:$(peer "$torch_py" torch2_gan.py "$v" "$cc" \
                        "$c" "$n" "$t" "$g" "$d" "$b" "$s" "$k")"
                done
            done
        fi
        i=$((i + 1))
    done
    mo=$(echo "$ours" | tr ' ' '\n' | grep . | median)
    mj=$(echo "$jax" | tr ' ' '\n' | grep . | median)
    best_t=0 best_v="-"
    for v in $variants; do
        for cc in $compiles; do
            m=$(echo "$torch_runs" | tr ' ' '\n' | sed -n "s|^$v/$cc:||p" | grep . | median)
            if awk -v a="$m" -v b="$best_t" 'BEGIN {exit !(a > b)}'; then
                best_t=$m best_v="$v/c$cc"
            fi
        done
    done
    best=$(echo "$mj $best_t" | awk '{print ($1 > $2) ? $1 : $2}')
    awk -v name="$name" -v o="$mo" -v j="$mj" -v t="$best_t" -v tv="($best_v)" -v best="$best" \
        -v f="$gflop" -v b="$b" -v k="$k" -v peak="$peak" 'function pk(r) {
            return (r > 0 && peak > 0) ? sprintf("%6.1f%%", 100 * f * r / (b * k) / peak) : "      -" }
        function ev(r) { return r > 0 ? sprintf("%9.0f", r) : sprintf("%9s", "-") }
        BEGIN { printf "%-30s %s %s %s %-9s %7s %s %s\n", name, ev(o), ev(j), ev(t), tv,
                (best > 0 ? sprintf("%.2f", o / best) : "-"), pk(o), pk(best) }'
    echo "    runs: ganhpo:$ours  jax:$jax  torch2:$torch_runs"
}

for r in $rows; do
    case $r in
    A1) run "A: 4 3 2 65 243 642, K=1" 4 3 2 65 243 642 30 1 ;;
    A5) run "A, K=5" 4 3 2 65 243 642 10 5 ;;
    B1) run "B: 0 10 6 64 64 64, K=1" 0 10 6 64 64 64 300 1 ;;
    B5) run "B, K=5" 0 10 6 64 64 64 200 5 ;;
    C5) run "C: 4 3 2 512 512 1024, K=5" 4 3 2 512 512 1024 3 5 ;;
    esac
done
