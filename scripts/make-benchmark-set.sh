#!/usr/bin/env bash
# Generates the standard synthesised benchmark set: 50 photos of 1536x2048 (portrait, 2048 on
# the long side) made of the built-in foregrounds (head and shoulders with hair strands 1-3 px
# wide, fur, veils) on patterned backgrounds, with the default augmentation and a fixed seed,
# into bench-set/ (git-ignored). The set is a pure function of the seed and the cutout
# version: regenerate it rather than copy it around.
#
#   scripts/make-benchmark-set.sh [--out DIR] [--count N]
#
# The cutout program is $CUTOUT, or build/cutout (scripts/setup.sh builds it).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=$ROOT/bench-set
COUNT=50
SEED=20240401
SIZE=1536x2048
BAND=16
CUTOUT=${CUTOUT:-$ROOT/build/cutout}

die() { printf 'make-benchmark-set: error: %s\n' "$*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case $1 in
    --out) [[ $# -ge 2 ]] || die "--out needs a folder"; OUT=$2; shift 2 ;;
    --count) [[ $# -ge 2 ]] || die "--count needs a number"; COUNT=$2; shift 2 ;;
    -h | --help) sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done
[[ -x $CUTOUT ]] || die "no cutout program at $CUTOUT: run scripts/setup.sh or set CUTOUT"

rm -rf "$OUT"
"$CUTOUT" synth --procedural-fg --procedural -n "$COUNT" -o "$OUT" --seed "$SEED" \
  --size "$SIZE" --band "$BAND" --format jpg
