#!/usr/bin/env bash
# Scores `cutout remove` on the standard synthesised benchmark set (scripts/make-benchmark-set.sh,
# made first when bench-set/ is missing): for each configuration of the pipeline, one table of
# SAD, MSE, gradient and connectivity errors over the trimaps' unknown bands, and IoU and
# F-measure of the masks, per image and their mean (cutout eval --pipeline).
#
#   scripts/score-benchmark.sh [--set DIR] [--real DIR] [--model PATH] [--json | --csv]
#                              [--limit N] [--refiner MODEL] [--only NAME]
#
# Then the same configurations on the real photos with ground truth (--real, by default
# ../shared/realset beside the source tree when it is there; "--real none" skips them),
# scored over the whole image: a change that wins on one set and loses on the other is not a
# win.
# --refiner adds the configurations with that tile refiner (cutout train --arch unet); --only
# runs the configurations whose name contains NAME.
# The cutout program is $CUTOUT, or build/cutout.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SET=$ROOT/bench-set
MODEL=$ROOT/models/isnet-fp16.onnx
REAL=$ROOT/../shared/realset
CUTOUT=${CUTOUT:-$ROOT/build/cutout}
EXTRA=()
REFINER=
ONLY=

# The pipeline configurations compared: "name|cutout eval options". Stages that gain
# options (tiles, matting, ...) add their lines here.
CONFIGS=(
  "default|"
  "global pass (--fast)|--fast"
  "global, automatic framing|--matting off"
  "global + per-channel pass|--fast --channels"
  "global + tiles|--fast --tiles"
  "global + fast matting|--fast --matting fast"
  "global + full matting|--fast --matting full"
  "global + tiles + full matting|--fast --tiles --matting full"
  "default + tiles|--tiles"
)

die() { printf 'score-benchmark: error: %s\n' "$*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --set) [[ $# -ge 2 ]] || die "--set needs a folder"; SET=$2; shift 2 ;;
    --real) [[ $# -ge 2 ]] || die "--real needs a folder (or none)"; REAL=$2; shift 2 ;;
    --model) [[ $# -ge 2 ]] || die "--model needs a path"; MODEL=$2; shift 2 ;;
    --json | --csv) EXTRA+=("$1"); shift ;;
    --limit) [[ $# -ge 2 ]] || die "--limit needs a number"; EXTRA+=(--limit "$2"); shift 2 ;;
    --refiner) [[ $# -ge 2 ]] || die "--refiner needs a model"; REFINER=$2; shift 2 ;;
    --only) [[ $# -ge 2 ]] || die "--only needs a name"; ONLY=$2; shift 2 ;;
    -h | --help) sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ -x $CUTOUT ]] || die "no cutout program at $CUTOUT: run scripts/setup.sh or set CUTOUT"
[[ -f $MODEL ]] || die "no model at $MODEL: run scripts/fetch-models.sh or pass --model"
if [[ ! -f $SET/manifest.jsonl ]]; then
  CUTOUT=$CUTOUT "$ROOT/scripts/make-benchmark-set.sh" --out "$SET"
fi

if [[ -n $REFINER ]]; then
  [[ -f $REFINER ]] || die "no refiner at $REFINER"
  CONFIGS+=(
    "global + refiner|--refiner $REFINER"
    "global + refiner + full matting|--refiner $REFINER --matting full"
  )
fi

# score <set> <extra eval options...>: every configuration on one set.
score() {
  local set=$1; shift
  for config in "${CONFIGS[@]}"; do
    name=${config%%|*}
    [[ -z $ONLY || $name == *"$ONLY"* ]] || continue
    read -r -a opts <<< "${config#*|}"
    printf '== %s (%s)\n' "$name" "$set" >&2
    start=$EPOCHREALTIME
    "$CUTOUT" eval --pipeline --set "$set" --model "$MODEL" -q "${opts[@]}" "$@" "${EXTRA[@]}"
    awk -v a="$start" -v b="$EPOCHREALTIME" -v n="$name" 'BEGIN { printf "== %s: %.1f s\n", n, b - a }' >&2
  done
}

score "$SET"
if [[ $REAL != none && -d $REAL/image && -d $REAL/alpha ]]; then
  printf '== the real set (%s), whole-image errors\n' "$REAL" >&2
  score "$REAL" --no-trimap
elif [[ $REAL != none ]]; then
  printf '== no real set at %s (--real DIR)\n' "$REAL" >&2
fi
