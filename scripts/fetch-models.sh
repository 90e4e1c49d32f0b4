#!/usr/bin/env bash
# Fetches the ISNet background-removal models into a folder (default: models/ of the source
# tree; installed as PREFIX/share/cutout/fetch-models.sh, the user's data folder
# ${XDG_DATA_HOME:-~/.local/share}/cutout/models, where the cutout program looks):
#   isnet-fp16.onnx    ("medium": fp16 weights, the default model)
#   isnet-quint8.onnx  ("small": 8-bit quantised)
# They ship in the npm package @imgly/background-removal-data, split into chunks that are each
# named by the sha256 of their content and listed in dist/resources.json. Every chunk, the size
# and the whole file's sha256 are checked before a model is put in place (atomically).
# A model already present with the right hash is left alone.
#
#   fetch-models.sh [--to DIR]
#
# Environment:
#   CUTOUT_MODELS_DIR  where to write the models when --to is not given
#   CUTOUT_DATA_TGZ    use this already packed .tgz of the package instead of `npm pack`
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -f $ROOT/CMakeLists.txt && -d $ROOT/src ]]; then
  MODELS=${CUTOUT_MODELS_DIR:-$ROOT/models}
  HINT="run scripts/setup.sh"
else
  MODELS=${CUTOUT_MODELS_DIR:-${XDG_DATA_HOME:-${HOME:?}/.local/share}/cutout/models}
  HINT="Debian packages nodejs and npm"
fi
PACKAGE=@imgly/background-removal-data@1.4.5

# file, key in resources.json, size in bytes, sha256
MODEL_LIST=(
  "isnet-fp16.onnx /models/medium 88188479 b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb"
  "isnet-quint8.onnx /models/small 44342436 7001d60734fdc112dd9c062635fb59cd401fb82a9d4213134bce4dbd655c803a"
)

log() { printf 'fetch-models: %s\n' "$*"; }
die() { printf 'fetch-models: error: %s\n' "$*" >&2; exit 1; }

while (($#)); do
  case $1 in
    --to)
      (($# >= 2)) && [[ -n $2 ]] || die "--to needs a folder"
      MODELS=$2
      shift 2 ;;
    --to=*) MODELS=${1#--to=}; [[ -n $MODELS ]] || die "--to needs a folder"; shift ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (usage: fetch-models.sh [--to DIR])" ;;
  esac
done

for tool in node sha256sum tar; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' is needed ($HINT)"
done

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -L -c %s "$1"; }

# Which models are missing or wrong?
todo=()
for entry in "${MODEL_LIST[@]}"; do
  read -r file key size sha <<<"$entry"
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
work=$(mktemp -d "${TMPDIR:-/tmp}/cutout-models.XXXXXX")
partial=""
cleanup() {
  rm -rf "$work"
  if [[ -n $partial ]]; then rm -f "$partial"; fi
}
trap cleanup EXIT

if [[ -n ${CUTOUT_DATA_TGZ:-} ]]; then
  [[ -f $CUTOUT_DATA_TGZ ]] || die "CUTOUT_DATA_TGZ=$CUTOUT_DATA_TGZ is not a file"
  tgz=$CUTOUT_DATA_TGZ
  log "using $tgz"
else
  command -v npm >/dev/null 2>&1 || die "'npm' is needed ($HINT)"
  log "downloading $PACKAGE with npm pack (about 136 MB)"
  (cd "$work" && npm pack "$PACKAGE" --silent --ignore-scripts >/dev/null) ||
    die "npm pack $PACKAGE failed (is the npm registry reachable?)"
  tgzs=("$work"/*.tgz)
  [[ -f ${tgzs[0]} ]] || die "npm pack produced no .tgz"
  tgz=${tgzs[0]}
fi
tar -xzf "$tgz" -C "$work" || die "cannot unpack $tgz"
dist=$work/package/dist
[[ -f $dist/resources.json ]] || die "$tgz has no package/dist/resources.json"

for entry in "${todo[@]}"; do
  read -r file key size sha <<<"$entry"
  # One line per chunk: "sha256 start end", in file order; then "size N".
  # shellcheck disable=SC2016  # (a JavaScript template string, not shell)
  chunks=$(node -e '
    const fs = require("fs");
    const [file, key] = process.argv.slice(1);
    const entry = JSON.parse(fs.readFileSync(file, "utf8"))[key];
    if (!entry || !Array.isArray(entry.chunks)) {
      console.error(`no entry ${key} in ${file}`);
      process.exit(1);
    }
    for (const c of entry.chunks) console.log(`${c.hash} ${c.offsets[0]} ${c.offsets[1]}`);
    console.log(`size ${entry.size}`);
  ' "$dist/resources.json" "$key") || die "cannot read the chunk list for $key"

  partial=$MODELS/.$file.partial.$$
  : >"$partial"
  expect=0
  while read -r hash start end; do
    if [[ $hash == size ]]; then
      [[ $start == "$size" ]] || die "$key: resources.json says $start bytes, expected $size"
      continue
    fi
    chunk=$dist/$hash
    [[ -f $chunk ]] || die "$key: chunk $hash is missing from the package"
    [[ $start == "$expect" ]] || die "$key: chunk $hash starts at $start, expected $expect"
    [[ $(size_of "$chunk") == $((end - start)) ]] || die "$key: chunk $hash has the wrong size"
    [[ $(sha256_of "$chunk") == "$hash" ]] || die "$key: chunk $hash does not match its sha256"
    cat "$chunk" >>"$partial"
    expect=$end
  done <<<"$chunks"

  got_size=$(size_of "$partial")
  [[ $got_size == "$size" ]] || die "$file: joined $got_size bytes, expected $size"
  got_sha=$(sha256_of "$partial")
  [[ $got_sha == "$sha" ]] || die "$file: sha256 $got_sha, expected $sha"
  mv -f "$partial" "$MODELS/$file"
  partial=""
  log "wrote $MODELS/$file ($size bytes, sha256 verified)"
done
