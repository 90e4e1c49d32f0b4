#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (ONNX models, photos, masks, the HTTP form, checkpoints).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    SECONDS per target (default 600);
#                                            targets: onnx image mask http safetensors
#                                            (default: all)
#
# Configures and builds the clang fuzz build in build-fuzz (CC=clang, CUTOUT_FUZZ=ON: the
# library instrumented for libFuzzer with ASan + UBSan) when it is not there, makes the seed
# corpora (scripts/fuzz-seeds.sh), then runs each target for SECONDS. New inputs go to
# fuzz/corpus/<target>/; fuzz/seeds/<target>/ and fuzz/regress/<target>/ are read too. A
# crash, leak, timeout or out-of-memory input is saved under fuzz/crashes/<target>/ and makes
# the script exit 1 once all targets ran. Reproduce one with the replay program, e.g.
#   build-fuzz/fuzz/fuzz_image fuzz/crashes/image/crash-...   (or build*/fuzz/replay_image)
# Environment: CUTOUT_FUZZ_BUILD (build dir), JOBS (build jobs, default 2).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${CUTOUT_FUZZ_BUILD:-$ROOT/build-fuzz}
ALL=(onnx image mask http safetensors)
SECS=${1:-600}
[ $# -gt 0 ] && shift
if ! [[ $SECS =~ ^[0-9]+$ ]] || [ "$SECS" -eq 0 ]; then
  echo "usage: $0 [SECONDS] [TARGET...]  (targets: ${ALL[*]})" >&2
  exit 2
fi
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=("${ALL[@]}")
for t in "${TARGETS[@]}"; do
  case " ${ALL[*]} " in *" $t "*) ;; *) echo "fuzz: unknown target '$t' (${ALL[*]})" >&2; exit 2;; esac
done

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  echo "fuzz: configuring the clang fuzz build in $BUILD"
  CC=clang cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCUTOUT_FUZZ=ON \
    >"$BUILD.configure.log" 2>&1 || { cat "$BUILD.configure.log" >&2; exit 1; }
  rm -f "$BUILD.configure.log"
fi
if ! grep -q '^CUTOUT_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
  echo "fuzz: $BUILD is not a CUTOUT_FUZZ=ON clang build" >&2
  exit 1
fi
echo "fuzz: building ${TARGETS[*]}"
cmake --build "$BUILD" -j"${JOBS:-2}" --target fuzz_seeds "${TARGETS[@]/#/fuzz_}" >/dev/null
"$ROOT/scripts/fuzz-seeds.sh" "$BUILD"

# One input at a time: OpenMP and libvips keep to one worker thread each.
export OMP_NUM_THREADS=1 VIPS_CONCURRENCY=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${TARGETS[@]}"; do
  corpus=$ROOT/fuzz/corpus/$t crashes=$ROOT/fuzz/crashes/$t log=$BUILD/fuzz-$t.log
  mkdir -p "$corpus" "$crashes"
  dirs=("$corpus")
  for d in "$ROOT/fuzz/seeds/$t" "$ROOT/fuzz/regress/$t"; do [ -d "$d" ] && dirs+=("$d"); done
  before=$(find "$crashes" -type f | wc -l)
  rc=0
  "$BUILD/fuzz/fuzz_$t" -max_total_time="$SECS" -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$crashes/" "${dirs[@]}" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  found=$(find "$crashes" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$found" -gt "$before" ]; then
    status=1
    echo "fuzz_$t: CRASHED after ${execs:-?} execs (exit $rc); input(s) in $crashes, log $log"
    grep -m1 -E 'ERROR: |runtime error|SUMMARY' "$log" | sed 's/^/  /' || true
  else
    echo "fuzz_$t: ${execs:-?} execs in ${SECS}s (${speed:-?}/s), no crash;" \
         "corpus $(find "$corpus" -type f | wc -l) files"
  fi
done
exit $status
