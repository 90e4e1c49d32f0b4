#!/usr/bin/env bash
# Writes the binary seed corpora of the fuzz targets into fuzz/corpus/<target>/ (not
# committed: fuzz/seeds.c makes them with the project's own encoders and a small ONNX
# writer). The hand-written text seeds stay in fuzz/seeds/<target>/, the crash regressions in
# fuzz/regress/<target>/. ctest runs the same generator (test fuzz/seeds) before the replays.
#
#   scripts/fuzz-seeds.sh [BUILD_DIR]   a configured build tree (default: build-fuzz)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build-fuzz}
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  echo "fuzz-seeds: $BUILD is not a configured build tree (scripts/fuzz.sh makes build-fuzz)" >&2
  exit 1
fi
cmake --build "$BUILD" -j"${JOBS:-2}" --target fuzz_seeds >/dev/null
# The generator's own allocations (libvips' start-up) are no fuzzing result.
OMP_NUM_THREADS=1 ASAN_OPTIONS=detect_leaks=0 "$BUILD/fuzz/fuzz_seeds" "$ROOT/fuzz/corpus"
