# Helpers for the command-line tests: expect <status> <cmd...> runs a command and checks
# its exit status (0, or "fail" for any non-zero) and that a failure says why in one line.
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() {
  local want=$1; shift
  local rc=0
  "$@" >"$tmp/stdout" 2>"$tmp/stderr" || rc=$?
  if [ "$want" = fail ]; then
    if [ "$rc" -eq 0 ]; then
      echo "FAIL: expected an error from: $*"; failures=$((failures + 1)); return
    fi
    if [ "$rc" -ge 128 ]; then
      echo "FAIL: crashed (status $rc): $*"; cat "$tmp/stderr"; failures=$((failures + 1)); return
    fi
    if ! grep -q '^cutout: ' "$tmp/stderr"; then
      echo "FAIL: no 'cutout: <reason>' message from: $*"; cat "$tmp/stderr"
      failures=$((failures + 1)); return
    fi
    echo "ok (exit $rc): $* -> $(head -n1 "$tmp/stderr")"
  else
    if [ "$rc" -ne "$want" ]; then
      echo "FAIL: exit $rc (expected $want): $*"; cat "$tmp/stderr"; failures=$((failures + 1)); return
    fi
    echo "ok: $*"
  fi
}

check() { # check <description> <test-expression...>
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}

finish() {
  if [ "$failures" -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
  echo "all checks passed"
}

# needs_model: skips the test (status 77) unless the default model is there; sets src, photo
# (the example) and model.
needs_model() {
  src=${CUTOUT_SOURCE_DIR:-.}
  photo=$src/examples/portrait-curls.jpg
  model=$src/models/isnet-fp16.onnx
  if [ ! -f "$model" ]; then
    echo "SKIP: model absent: run scripts/fetch-models.sh"; exit 77
  fi
}

# needs_detector: needs_model, and skips unless the detector is there too; sets detector.
needs_detector() {
  needs_model
  detector=$src/models/centernet.json
  if [ ! -f "$detector" ]; then echo "SKIP: detector absent: run scripts/fetch-tfjs-models.sh"; exit 77; fi
}

last_band_at() { vips getpoint "$1" "$2" "$3" | awk '{ printf "%d", $NF }'; } # IMG X Y
