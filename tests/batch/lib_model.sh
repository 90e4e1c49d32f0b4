# Shared by the batch tests that run the real model: skips without it, small photos made
# from the example, and helpers for outputs.
src=${CUTOUT_SOURCE_DIR:-.}
model=$src/models/isnet-fp16.onnx
if [ ! -f "$model" ]; then
  echo "SKIP: model absent: run scripts/fetch-models.sh"; exit 77
fi
export CUTOUT_MODEL=$model

# small_photo OUT WIDTH: the example photo scaled to WIDTH pixels wide.
small_photo() {
  mkdir -p "$(dirname "$1")"
  vips thumbnail "$src/examples/portrait-curls.jpg" "$1" "$2"
}

# valid_rgba FILE W H: FILE is a PNG with an alpha channel of W x H.
valid_rgba() {
  [ "$(vipsheader -f width "$1" 2>/dev/null)" = "$2" ] &&
    [ "$(vipsheader -f height "$1" 2>/dev/null)" = "$3" ] &&
    [ "$(vipsheader -f bands "$1" 2>/dev/null)" = 4 ] &&
    vips avg "$1" > /dev/null 2>&1 # decodes the whole file
}

# stamps DIR: "name mtime inode" of every finished output below DIR, sorted.
stamps() { (cd "$1" && find . -type f -name '[!.]*' -printf '%P %T@ %i\n' | sort); }

# kept BEFORE AFTER: every line of BEFORE is in AFTER (those files were not rewritten).
kept() { [ -z "$(comm -23 <(echo "$1") <(echo "$2"))" ]; }

# wait_for_output DIR PID: waits (at most 120 s) until a finished .png appears in DIR while
# PID runs; fails when PID ends first.
wait_for_output() {
  local i
  for i in $(seq 1200); do
    if [ -n "$(find "$1" -name '[!.]*.png' 2>/dev/null | head -n1)" ]; then return 0; fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
