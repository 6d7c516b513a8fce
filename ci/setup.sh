#!/usr/bin/env bash
# Installs every Debian package ganhpo needs (only those missing; as root or through sudo),
# then configures and builds a Release build into build/. Safe to run again.
#   ci/setup.sh            build/ (warnings are errors when CI=true)
#   BUILD_DIR=... ci/setup.sh -DGANHPO_SANITIZE=ON    another build, extra CMake options
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd clinfo
  libclblast-dev mpich libmpich-dev libconfig-dev libgsl-dev libopenblas0-pthread
  gnuplot-nox fonts-liberation clang-format clang libclang-rt-14-dev
  python3 python3-numpy python3-scipy python3-torch
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "ci/setup.sh: installing ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=(); elif command -v sudo >/dev/null; then sudo=(sudo); else
    echo "ci/setup.sh: need root or sudo to install: ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=${BUILD_DIR:-build}
werror=OFF
[ "${CI:-}" = true ] && werror=ON
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DGANHPO_WERROR="$werror" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
echo "ci/setup.sh: built $build/ganhpo"
