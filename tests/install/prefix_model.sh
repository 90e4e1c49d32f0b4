#!/usr/bin/env bash
# cutout installed as a user would install it, used as a user would use it:
#   prefix_model.sh BUILD_DIR
# installs BUILD_DIR into a temporary prefix (cmake --install), then builds a small C program
# (consumer.c) against that prefix alone and runs it on the example photo with the real model:
#   1. with `pkg-config --cflags --libs cutout` (libcutout.so),
#   2. with `pkg-config --static --libs cutout` (libcutout.a),
#   3. with find_package(cutout) and cutout::cutout in a CMake project;
# and checks the order in which the installed program looks for the model.
# The consumer checks the cutout: RGBA, the photo's size, both transparent and opaque pixels.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../cli/lib.sh"
build=$1
needs_model
for tool in pkg-config "${CC:-cc}" cmake readelf; do
  command -v "$tool" >/dev/null 2>&1 || { echo "SKIP: '$tool' not found"; exit 77; }
done
cc=${CC:-cc}
prefix=$tmp/prefix

expect 0 cmake --install "$build" --prefix "$prefix"
cat "$tmp/stdout"
# Nothing from outside the prefix: the consumer's source is copied next to its build.
cp "$here/consumer.c" "$tmp/consumer.c"
# The library folder: lib, or lib/<multiarch> when the build was configured for /usr.
pc=$(find "$prefix" -path '*/pkgconfig/cutout.pc' -print -quit)
[[ -n $pc ]] || { echo "FAIL: no cutout.pc installed"; exit 1; }
libdir=$(dirname "$(dirname "$pc")")
export PKG_CONFIG_PATH=$libdir/pkgconfig

for f in "$prefix/bin/cutout" "$libdir/libcutout.so.0" "$libdir/libcutout.a" \
         "$prefix/include/cutout.h" "$libdir/cmake/cutout/cutout-config.cmake" \
         "$prefix/share/man/man1/cutout.1" "$prefix/share/cutout/fetch-models.sh"; do
  check "installed ${f#"$prefix"/}" test -e "$f"
done
has() { grep -q -- "$2" <<<"$1"; } # has TEXT PATTERN
check "libcutout.so.0 is the soname" has "$(readelf -d "$libdir/libcutout.so.0")" 'SONAME.*\[libcutout.so.0\]'
check "libcutout.so exports the ct_ calls only" \
  bash "$here/symbols.sh" "$libdir/libcutout.so.0" "$prefix/include/cutout.h"
version=$("$prefix/bin/cutout" version | cut -d' ' -f2)
check "cutout.pc has the program's version ($version)" \
  test "$(pkg-config --modversion cutout)" = "$version"
check "the man page has the program's version" \
  grep -q "^\\.TH CUTOUT 1 .*\"cutout $version\"" "$prefix/share/man/man1/cutout.1"
flags=$(pkg-config --cflags --libs cutout)
echo "pkg-config --cflags --libs cutout: $flags"
check "pkg-config gives the prefix's folders" has "$flags" "-I$prefix/include .*-L$libdir "
srcdir=$(cd "$src" && pwd)
check "pkg-config gives no folder of the source tree" test "${flags/"$srcdir"/}" = "$flags"

# 1. pkg-config, the shared library.
# shellcheck disable=SC2046
expect 0 "$cc" -Wall -Wextra -Werror -o "$tmp/consumer" "$tmp/consumer.c" \
  $(pkg-config --cflags --libs cutout)
check "the consumer links libcutout.so.0" has "$(readelf -d "$tmp/consumer")" 'NEEDED.*\[libcutout.so.0\]'
expect 0 env LD_LIBRARY_PATH="$libdir" "$tmp/consumer" "$model" "$photo" "$tmp/shared.png"
cat "$tmp/stdout"

# 2. pkg-config --static: libcutout.a, whose own libraries come from Libs.private.
static_libs=$(pkg-config --static --libs cutout)
echo "pkg-config --static --libs cutout: $static_libs"
# shellcheck disable=SC2046,SC2086
expect 0 "$cc" -Wall -Wextra -Werror -o "$tmp/consumer-static" "$tmp/consumer.c" \
  $(pkg-config --cflags cutout) ${static_libs/-lcutout/-l:libcutout.a}
check "the static consumer does not need libcutout.so" \
  test -z "$(readelf -d "$tmp/consumer-static" | grep libcutout)"
expect 0 "$tmp/consumer-static" "$model" "$photo" "$tmp/static.png"
cat "$tmp/stdout"

# 3. find_package(cutout) from a CMake project.
mkdir -p "$tmp/cmake-project"
cp "$tmp/consumer.c" "$tmp/cmake-project/"
cat >"$tmp/cmake-project/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.16)
project(consumer C)
find_package(cutout 0.1 REQUIRED)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE cutout::cutout)
EOF
expect 0 cmake -S "$tmp/cmake-project" -B "$tmp/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_BUILD_TYPE=Release
expect 0 cmake --build "$tmp/cmake-build"
# (CMake gives the program the library's folder as its run path.)
expect 0 "$tmp/cmake-build/consumer" "$model" "$photo" "$tmp/cmake.png"
cat "$tmp/stdout"

# The installed program's model folders, in order: a file that is no model, put in one folder
# after the other, is what it tries to load (no network run needed to tell).
cd "$tmp" || exit 1
stub() { mkdir -p "$1" && echo "not a model" >"$1/isnet-fp16.onnx"; }
program() { env -u CUTOUT_MODEL XDG_DATA_HOME="$tmp/data" "$prefix/bin/cutout" remove "$photo" -o "$tmp/program.png"; }
stub "$prefix/share/cutout/models"
stub "$tmp/data/cutout/models"
expect fail program
check "\$XDG_DATA_HOME/cutout/models comes first" grep -qF "$tmp/data/cutout/models/isnet-fp16.onnx: not an ONNX model" "$tmp/stderr"
rm -r "$tmp/data"
expect fail program
check "then PREFIX/share/cutout/models" grep -qF "$prefix/share/cutout/models/isnet-fp16.onnx: not an ONNX model" "$tmp/stderr"
rm -r "$prefix/share/cutout/models"
expect fail program
for place in "$tmp/data/cutout/models" "$prefix/share/cutout/models" ./models \
             "$prefix/share/cutout/fetch-models.sh"; do
  check "with none, the error names $place" grep -qF "$place" "$tmp/stderr"
done
check "the error is one line" test "$(wc -l <"$tmp/stderr")" -eq 1
stub "$tmp/data/cutout/models"
stub "$tmp/env"
expect fail env CUTOUT_MODEL="$tmp/env/isnet-fp16.onnx" XDG_DATA_HOME="$tmp/data" \
  "$prefix/bin/cutout" remove "$photo" -o "$tmp/program.png"
check "\$CUTOUT_MODEL comes before them all" grep -qF "$tmp/env/isnet-fp16.onnx: not an ONNX model" "$tmp/stderr"

# The installed model fetcher writes into --to DIR, by default into the user's data folder.
# Both models are put there beforehand (links), so it only verifies them; CUTOUT_DATA_TGZ
# names no file, so that it fails rather than downloads if it wanted anything more.
quint8=$(dirname "$model")/isnet-quint8.onnx
if [[ -f $quint8 ]]; then
  link_models() { mkdir -p "$1" && ln -sf "$(readlink -f "$model")" "$(readlink -f "$quint8")" "$1/"; }
  fetch=$prefix/share/cutout/fetch-models.sh
  link_models "$tmp/to"
  expect 0 env CUTOUT_DATA_TGZ=/nonexistent "$fetch" --to "$tmp/to"
  check "fetch-models.sh --to DIR checks DIR" grep -q "isnet-fp16.onnx is present and verified" "$tmp/stdout"
  rm -rf "$tmp/data"
  link_models "$tmp/data/cutout/models"
  expect 0 env -u CUTOUT_MODELS_DIR CUTOUT_DATA_TGZ=/nonexistent XDG_DATA_HOME="$tmp/data" "$fetch"
  check "the installed fetch-models.sh defaults to \$XDG_DATA_HOME/cutout/models" \
    grep -q "isnet-fp16.onnx is present and verified" "$tmp/stdout"
  expect 1 env CUTOUT_DATA_TGZ=/nonexistent "$fetch" --to "$tmp/empty"
  check "and fetches what is missing (here: refused, no package file)" \
    grep -q "CUTOUT_DATA_TGZ=/nonexistent is not a file" "$tmp/stderr"
else
  echo "skipped the model fetcher's checks: no $quint8"
fi
finish
