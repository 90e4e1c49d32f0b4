#!/usr/bin/env bash
# Prepares a Debian 12 (bookworm) machine to build and test cutout, then builds it:
#   1. system packages (apt-get; through sudo when not root), only those missing;
#   2. the npm packages of package.json (onnxruntime-node: the reference runtime for tests and
#      benchmarks; playwright-core: drives chromium in the web page test), installed without
#      their install scripts, and a check that onnxruntime runs;
#   3. the ISNet models (scripts/fetch-models.sh) and the TensorFlow.js detector and
#      segmentation models (scripts/fetch-tfjs-models.sh);
#   4. a Release build in build/, and a sanitizer build (ASan + UBSan) in build-asan/ whose
#      unit tests the Release build's ctest runs as one of its tests.
# Safe to run again: each step skips what is already done.
#
#   scripts/setup.sh [--no-models] [--no-build]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=$ROOT/build
APT_PACKAGES=(
  build-essential cmake pkg-config
  libvips-dev libvips-tools libdnnl-dev libopenblas-dev libprotobuf-c-dev protobuf-c-compiler
  libonnx-dev libonnx-testdata libvlfeat-dev libcjson-dev libmicrohttpd-dev libxxhash-dev
  libopencv-contrib-dev
  curl chromium wrk time valgrind
  dpkg-dev lintian
)
ORT_CHECK_MODEL=/usr/share/libonnx-testdata/data/node/test_add/model.onnx

log() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

want_models=1
want_build=1
for arg in "$@"; do
  case $arg in
    --no-models) want_models=0 ;;
    --no-build) want_build=0 ;;
    -h | --help) sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown option '$arg' (see --help)" ;;
  esac
done

# --- 1. system packages --------------------------------------------------------------------
if [[ -r /etc/os-release ]]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  if [[ ${ID:-} != debian || ${VERSION_ID:-} != 12 ]]; then
    log "note: written for Debian 12 (bookworm); this is ${PRETTY_NAME:-unknown}"
  fi
fi
command -v apt-get >/dev/null 2>&1 || die "apt-get not found: this script needs Debian 12"

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null 2>&1 || die "run as root, or install sudo, to install packages"
  as_root=(sudo)
fi

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
# node and npm may come from elsewhere than Debian (whose npm conflicts with other nodejs
# builds): install Debian's only when the commands are absent.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if ((${#missing[@]})); then
  log "installing system packages: ${missing[*]}"
  apt_opts=(-q -o DPkg::Lock::Timeout=600)
  "${as_root[@]}" apt-get "${apt_opts[@]}" update ||
    die "apt-get update failed"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
    "${missing[@]}" || die "apt-get install failed for: ${missing[*]}"
else
  log "system packages already installed"
fi

# --- 2. npm packages -------------------------------------------------------------------------
cd "$ROOT"
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 16)) || die "node $(node --version) is too old: onnxruntime-node needs 16 or newer"

installed_version() { # version of an installed npm package, or nothing
  node -e '
    try {
      const p = require("path").join(process.argv[1], "node_modules", process.argv[2], "package.json");
      console.log(JSON.parse(require("fs").readFileSync(p, "utf8")).version);
    } catch (e) {}' "$ROOT" "$1"
}
ort_wanted=$(node -p 'require("./package.json").dependencies["onnxruntime-node"]')
# playwright-core drives Debian's chromium (/usr/bin/chromium) in the web page test; it
# downloads no browser of its own.
pw_wanted=$(node -p 'require("./package.json").dependencies["playwright-core"]')
# @tensorflow/tfjs with its WebAssembly backend: the reference runtime for TensorFlow.js graph
# models (pure JavaScript and WebAssembly, nothing downloaded at install).
tfjs_wanted=$(node -p 'require("./package.json").dependencies["@tensorflow/tfjs"]')
if [[ $(installed_version onnxruntime-node) == "$ort_wanted" &&
      $(installed_version playwright-core) == "$pw_wanted" &&
      $(installed_version @tensorflow/tfjs) == "$tfjs_wanted" &&
      $(installed_version @tensorflow/tfjs-backend-wasm) == "$tfjs_wanted" ]]; then
  log "onnxruntime-node $ort_wanted, playwright-core $pw_wanted and tfjs $tfjs_wanted already installed"
else
  # --ignore-scripts: onnxruntime-node's install script fetches GPU runtimes from a host
  # outside the npm registry; its CPU runtime ships inside the package.
  npm_opts=(--ignore-scripts --no-audit --no-fund)
  if [[ -f package-lock.json ]]; then
    log "installing npm packages (npm ci)"
    if ! npm ci "${npm_opts[@]}"; then
      log "npm ci failed; trying npm install"
      npm install "${npm_opts[@]}" || die "npm install failed"
    fi
  else
    log "installing npm packages (npm install)"
    npm install "${npm_opts[@]}" || die "npm install failed"
  fi
  [[ $(installed_version onnxruntime-node) == "$ort_wanted" ]] ||
    die "onnxruntime-node $ort_wanted is not in node_modules after the install"
  [[ $(installed_version playwright-core) == "$pw_wanted" ]] ||
    die "playwright-core $pw_wanted is not in node_modules after the install"
  [[ $(installed_version @tensorflow/tfjs-backend-wasm) == "$tfjs_wanted" ]] ||
    die "@tensorflow/tfjs-backend-wasm $tfjs_wanted is not in node_modules after the install"
fi

[[ -f $ORT_CHECK_MODEL ]] || die "$ORT_CHECK_MODEL is missing (package libonnx-testdata)"
log "checking that onnxruntime runs a model on the CPU"
node - "$ORT_CHECK_MODEL" <<'EOF' || die "onnxruntime-node does not work (see above)"
const ort = require('onnxruntime-node');
(async () => {
  const session = await ort.InferenceSession.create(process.argv[2], { intraOpNumThreads: 1 });
  const [a, b] = session.inputNames;
  const x = new ort.Tensor('float32', Float32Array.from({ length: 60 }, (_, i) => i), [3, 4, 5]);
  const y = new ort.Tensor('float32', Float32Array.from({ length: 60 }, (_, i) => 0.5 * i), [3, 4, 5]);
  const out = (await session.run({ [a]: x, [b]: y }))[session.outputNames[0]].data;
  for (let i = 0; i < 60; i++)
    if (out[i] !== 1.5 * i) throw new Error(`Add gave ${out[i]} at ${i}, expected ${1.5 * i}`);
})().catch((e) => { console.error(`setup: ${e.message}`); process.exit(1); });
EOF

# --- 3. models -------------------------------------------------------------------------------
if ((want_models)); then
  "$ROOT/scripts/fetch-models.sh"
  "$ROOT/scripts/fetch-tfjs-models.sh"
else
  log "skipping the models (--no-models)"
fi

# --- 4. build --------------------------------------------------------------------------------
if ((want_build)); then
  log "configuring and building in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
  cmake --build "$BUILD_DIR" -j"$(nproc)"
  log "configuring and building the sanitizer build in $ROOT/build-asan"
  cmake -S "$ROOT" -B "$ROOT/build-asan" -DCMAKE_BUILD_TYPE=Debug -DCUTOUT_SANITIZE=ON
  cmake --build "$ROOT/build-asan" -j"$(nproc)"
  log "done: run the tests with 'ctest --test-dir build --output-on-failure'"
else
  log "skipping the build (--no-build)"
fi
