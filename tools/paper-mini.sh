#!/usr/bin/env bash
# Reproduce the paper's four findings at a scale that runs on a 2-core CPU
# (docs/paper-reproduction.md): the broad searches of both case studies with all three
# strategies, the reports (Fig. 2, 3, 4, 8, 9 and the Sobol indices), the lr_gen scan at three
# training lengths (Fig. 5) around the best point found, and the ensemble of that point
# (Fig. 7). One command, resumable: run it again after an interruption and every finished
# evaluation, scan row, report and ensemble is kept.
#
#   tools/paper-mini.sh [OUTPUT_DIR]        (default runs/paper-mini)
#
# GANHPO names the ganhpo binary (default build/ganhpo), GANHPO_PAPER_CONFIGS another folder
# of the same four study files (the test suite runs it with tiny ones), GANHPO_ENSEMBLE_K the
# models of the ensemble (default 8), PYTHON a Python 3 with numpy. OUTPUT_DIR/timings.csv keeps each step's wall time,
# OUTPUT_DIR/summary.md the numbers of docs/paper-reproduction.md.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
ganhpo=${GANHPO:-$root/build/ganhpo}
configs=${GANHPO_PAPER_CONFIGS:-$root/configs/paper-mini}
k=${GANHPO_ENSEMBLE_K:-8}
out=${1:-runs/paper-mini}
searches=(hadronization-w1 hadronization-sliced dimuon-w1)
# The summary needs numpy: PYTHON, else the first python3 on PATH that has it, else Debian's.
python=${PYTHON:-python3}
"$python" -c 'import numpy' 2>/dev/null || python=/usr/bin/python3

if [[ ! -x $ganhpo ]]; then
  echo "paper-mini: $ganhpo is not an executable; build first (ci/setup.sh) or set GANHPO" >&2
  exit 2
fi
for name in "${searches[@]}" hadronization-lr-scan; do
  if [[ ! -r $configs/$name.cfg ]]; then
    echo "paper-mini: $configs/$name.cfg is missing (GANHPO_PAPER_CONFIGS names the folder)" >&2
    exit 2
  fi
done
mkdir -p "$out"
timings=$out/timings.csv
[[ -s $timings ]] || echo "step,seconds" >"$timings"

# step NAME COMMAND...: runs the command, appends its wall time to timings.csv.
step() {
  local name=$1 t0 t1
  shift
  echo "paper-mini: $name"
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  awk -v n="$name" -v a="$t0" -v b="$t1" 'BEGIN { printf "%s,%.1f\n", n, b - a }' >>"$timings"
}

# study CFG DIR: a new study, or the rest of an interrupted one.
study() {
  if [[ -e $2/results.csv ]]; then
    "$ganhpo" study "$1" --output "$2" --resume
  else
    "$ganhpo" study "$1" --output "$2"
  fi
}

for name in "${searches[@]}"; do
  step "$name" study "$configs/$name.cfg" "$out/$name"
  step "$name-report" "$ganhpo" report "$out/$name"
done

# Fig. 5: the scan is fixed at the best point of the w1 search, written into the study file
# once so that a resumed scan continues the same one.
scan_cfg=$out/hadronization-lr-scan.cfg
if [[ ! -e $scan_cfg ]]; then
  "$python" "$root/tools/paper_mini.py" scan-config "$configs/hadronization-lr-scan.cfg" \
    "$out/hadronization-w1/results.csv" >"$scan_cfg.tmp"
  mv "$scan_cfg.tmp" "$scan_cfg"
fi
step hadronization-lr-scan study "$scan_cfg" "$out/hadronization-lr-scan"
step hadronization-lr-scan-report "$ganhpo" report "$out/hadronization-lr-scan"

# Fig. 7 and 11: the best point of each case study trained k more times.
for name in hadronization-w1 dimuon-w1; do
  if [[ ! -s $out/$name/ensemble/ensemble_w1.csv ]]; then
    step "$name-ensemble" "$ganhpo" ensemble "$out/$name" --k "$k"
  fi
done

"$python" "$root/tools/paper_mini.py" summary "$out" >"$out/summary.md"

# The figures docs/paper-reproduction.md shows, under its names (it keeps them in
# docs/paper-mini/).
mkdir -p "$out/figures"
while read -r from to; do
  cp "$out/$from" "$out/figures/$to"
done <<'LIST'
hadronization-w1/report/w1_sigma.png hadronization-w1-sigma.png
hadronization-w1/report/convergence.png hadronization-w1-convergence.png
hadronization-w1/report/sensitivity_lr_gen.png hadronization-w1-lr-gen.png
hadronization-w1/report/sensitivity_gen_layersize.png hadronization-w1-gen-layersize.png
hadronization-w1/report/sobol.png hadronization-w1-sobol.png
hadronization-sliced/report/w1_sigma.png hadronization-sliced-sigma.png
hadronization-sliced/report/convergence.png hadronization-sliced-convergence.png
hadronization-sliced/report/sobol.png hadronization-sliced-sobol.png
dimuon-w1/report/w1_sigma.png dimuon-w1-sigma.png
dimuon-w1/report/convergence.png dimuon-w1-convergence.png
dimuon-w1/report/sensitivity_lr_gen.png dimuon-w1-lr-gen.png
dimuon-w1/report/sobol.png dimuon-w1-sobol.png
hadronization-lr-scan/report/scan.png hadronization-lr-scan.png
hadronization-w1/ensemble/ensemble_theta.png hadronization-ensemble-theta.png
hadronization-w1/ensemble/ensemble_phi.png hadronization-ensemble-phi.png
dimuon-w1/ensemble/ensemble_pt1.png dimuon-ensemble-pt1.png
dimuon-w1/ensemble/ensemble_eta1.png dimuon-ensemble-eta1.png
LIST
echo "paper-mini: done; $out/summary.md, $out/figures/, a report per study in $out/*/report/index.html"
