#!/bin/sh
# Installs the build into a temporary prefix with cmake --install, builds
# examples/generate.c against the installed package twice (find_package(ganhpo) in a CMake
# project of its own, and pkg-config), and runs both on a weights file trained for the
# occasion: each must print the events asked for, one per line, the generator's targets.
# Usage: test_install_package.sh CMAKE BUILD_DIR SOURCE_DIR
set -eu
cmake=$1 build=$2 src=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/ganhpo_install_XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_install_package: $*" >&2; exit 1; }

"$cmake" --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" ||
    fail "cmake --install failed: $(tail -5 "$tmp/install.log")"
prefix=$tmp/prefix
[ -f "$prefix/include/ganhpo/gan.h" ] || fail "public headers not installed"
pc=$(find "$prefix" -name ganhpo.pc)
[ -n "$pc" ] || fail "ganhpo.pc not installed"
libdir=$(dirname "$(dirname "$pc")")
for f in libganhpo.a libganhpo.so cmake/ganhpo/ganhpoConfig.cmake; do
    [ -e "$libdir/$f" ] || fail "$libdir/$f not installed"
done
[ -x "$prefix/bin/ganhpo" ] || fail "the ganhpo program is not installed"

"$cmake" -S "$src/examples" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" \
    > "$tmp/configure.log" 2>&1 || fail "find_package(ganhpo) failed: $(tail -20 "$tmp/configure.log")"
"$cmake" --build "$tmp/cmake" > "$tmp/build.log" 2>&1 ||
    fail "building against the package failed: $(tail -20 "$tmp/build.log")"

flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags --libs ganhpo) ||
    fail "pkg-config does not know ganhpo"
# shellcheck disable=SC2086
cc -std=c17 -Wall -Werror "$src/examples/generate.c" $flags -o "$tmp/generate_pc" ||
    fail "building with pkg-config flags failed"

cat > "$tmp/tiny.cfg" <<CFG
study = { name = "tiny"; seed = 3; trials = 1; };
data = { source = "hadronization"; events = 2000; validation = 500; };
gan = { noise_dim = 3; batch_size = 128; gen_layersize = 16; disc_layersize = 16; epochs = 1; };
space = ( { name = "lr_gen"; lower = 1; upper = 100; scaling = 1e-5; } );
CFG
"$prefix/bin/ganhpo" train "$tmp/tiny.cfg" --out "$tmp/tiny.gan" > "$tmp/train.log" 2>&1 ||
    fail "ganhpo train failed: $(tail -5 "$tmp/train.log")"

for exe in "$tmp/cmake/generate" "$tmp/generate_pc"; do
    LD_LIBRARY_PATH=$libdir "$exe" "$tmp/tiny.gan" 7 20 3 -2 12 > "$tmp/events.txt" ||
        fail "$exe failed"
    lines=$(wc -l < "$tmp/events.txt")
    fields=$(awk '{ print NF }' "$tmp/events.txt" | sort -u)
    [ "$lines" -eq 7 ] && [ "$fields" = 2 ] ||
        fail "$exe printed $lines lines with $fields fields, expected 7 events of 2 targets"
    if LD_LIBRARY_PATH=$libdir "$exe" "$tmp/tiny.gan" 7 20 > /dev/null 2> "$tmp/err.txt"; then
        fail "$exe accepted 1 condition value for a generator that takes 4"
    fi
    grep -q "takes 4 condition values, 1 were given" "$tmp/err.txt" ||
        fail "$exe: unexpected error: $(cat "$tmp/err.txt")"
done
echo "test_install_package: installed package builds (CMake and pkg-config) and generates"
