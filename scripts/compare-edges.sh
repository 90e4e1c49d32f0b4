#!/usr/bin/env bash
# Side-by-side edges: for each photo, the upscaled network mask (the global pass alone) and
# the full pipeline's alpha (tiles + matting), at the photo's own pixels, so the hair edges
# can be compared.
#
#   scripts/compare-edges.sh [-o DIR] [--crop N] [PHOTO...]   (default: ../shared/examples/*.jpg)
#
# Writes DIR/NAME-global.png and DIR/NAME-matte.png (whole masks), and DIR/NAME-edges.png: an
# N x N crop (default 512) at 1:1 around the softest part of the edge, three panels from left
# to right: the photo, the global mask, the matte. Also prints how many pixels of each mask
# are soft (strictly between 5% and 95%).
# The cutout program is $CUTOUT, or build/cutout.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CUTOUT=${CUTOUT:-$ROOT/build/cutout}
OUT=$ROOT/out-edges
CROP=512
PHOTOS=()
die() { printf 'compare-edges: error: %s\n' "$*" >&2; exit 1; }
while [[ $# -gt 0 ]]; do
  case $1 in
    -o) [[ $# -ge 2 ]] || die "-o needs a folder"; OUT=$2; shift 2 ;;
    --crop) [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -ge 64 ]] || die "--crop needs a size >= 64"
            CROP=$2; shift 2 ;;
    -h | --help) sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *) PHOTOS+=("$1"); shift ;;
  esac
done
((${#PHOTOS[@]})) || PHOTOS=("$ROOT"/../shared/examples/*.jpg)
command -v vips >/dev/null || die "vips is not installed (run scripts/setup.sh)"
[[ -x $CUTOUT ]] || die "no cutout program at $CUTOUT: run scripts/setup.sh or set CUTOUT"
mkdir -p "$OUT"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# soft PNG: 255 where the mask is strictly between 5% and 95%
soft() {
  vips relational_const "$1" "$tmp/a.v" moreeq 13
  vips relational_const "$1" "$tmp/b.v" lesseq 242
  vips boolean "$tmp/a.v" "$tmp/b.v" "$2" and
}
count() { vips avg "$1" | awk -v n="$2" '{ printf "%d", $1 / 255 * n }'; }

for photo in "${PHOTOS[@]}"; do
  [[ -f $photo ]] || die "no photo '$photo'"
  name=$(basename "${photo%.*}")
  "$CUTOUT" remove "$photo" --mask -q -o "$OUT/$name-global.png"
  "$CUTOUT" remove "$photo" --mask -q --tiles --matting full -o "$OUT/$name-matte.png"
  w=$(vipsheader -f width "$photo")
  h=$(vipsheader -f height "$photo")
  soft "$OUT/$name-global.png" "$tmp/soft.v"
  # the 64 x 64 block with the most soft pixels; the crop is centred on it
  vips shrink "$tmp/soft.v" "$tmp/blocks.v" 64 64
  read -r _ bx by < <(vips max "$tmp/blocks.v" --x --y | tr '\n' ' ' |
    awk '{ print $3, $1, $2 }')
  c=$((CROP < w ? (CROP < h ? CROP : h) : (w < h ? w : h)))
  x=$((bx * 64 + 32 - c / 2)); y=$((by * 64 + 32 - c / 2))
  x=$((x < 0 ? 0 : x + c > w ? w - c : x)); y=$((y < 0 ? 0 : y + c > h ? h - c : y))
  vips crop "$photo" "$tmp/p.v" $x $y $c $c
  for m in global matte; do
    vips crop "$OUT/$name-$m.png" "$tmp/$m.v" $x $y $c $c
    vips bandjoin "$tmp/$m.v $tmp/$m.v $tmp/$m.v" "$tmp/$m-rgb.v"
  done
  vips arrayjoin "$tmp/p.v $tmp/global-rgb.v $tmp/matte-rgb.v" "$OUT/$name-edges.png" --shim 8
  soft "$OUT/$name-matte.png" "$tmp/soft2.v"
  printf '%s: %dx%d; soft pixels: global %s, matte %s; crop %dx%d at (%d, %d) -> %s\n' \
    "$name" "$w" "$h" "$(count "$tmp/soft.v" $((w * h)))" "$(count "$tmp/soft2.v" $((w * h)))" \
    $c $c $x $y "$OUT/$name-edges.png"
done
