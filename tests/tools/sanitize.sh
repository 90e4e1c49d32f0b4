# The unit tests in the sanitizer build (AddressSanitizer + UndefinedBehaviorSanitizer) that
# scripts/setup.sh makes in build-asan; the model-sized, command-line and per-ISA tests stay
# in the Release build.
#   sanitize.sh ASAN_BUILD_DIR
# Skips (77) with the reason when that build is absent or when the sanitizer runtime itself
# cannot start on this machine (its own message shown); fails on any test that fails there.
set -u
dir=$1
if [ ! -f "$dir/CTestTestfile.cmake" ]; then
  echo "SKIP: no sanitizer build in $dir (scripts/setup.sh makes it)"; exit 77
fi
probe=$dir/tests/test_synth_rng
if [ ! -x "$probe" ]; then
  echo "SKIP: the sanitizer build in $dir has no test programs (build it)"; exit 77
fi
# A small test program first: a sanitizer runtime that cannot start (no room for its
# shadow memory, an unsupported kernel) says so here, before any test runs.
out=$("$probe" 2>&1); rc=$?
if [ $rc -ge 128 ] || grep -qE '^==[0-9]+==(ERROR: AddressSanitizer failed|Shadow memory|AddressSanitizer: CHECK failed|.*ASan runtime does not come first)' <<<"$out"; then
  echo "SKIP: the sanitizer runtime cannot run here (status $rc):"
  printf '%s\n' "$out" | head -n 5
  exit 77
fi
exec ctest --test-dir "$dir" --output-on-failure --no-tests=error -LE "models|cli|sanitize|isa"
