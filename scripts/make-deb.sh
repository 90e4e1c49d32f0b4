#!/usr/bin/env bash
# Builds the Debian package cutout_VERSION_ARCH.deb: the program, the shared and static
# libraries, the header, cutout.pc, the CMake package, the man page and the model fetcher,
# installed under /usr (cmake --install). Depends: is computed by dpkg-shlibdeps from the
# libraries the program and libcutout.so link.
#
#   scripts/make-deb.sh [--build DIR] [--out DIR]
#
#   --build DIR  package this build tree as it is (it is not rebuilt: build it first).
#                Without it, build-deb/ is configured for /usr (so that the program's
#                compiled-in model folder is /usr/share/cutout/models, the libraries go to
#                /usr/lib/<multiarch>) with Debian's hardening flags, and built.
#   --out DIR    where the .deb goes (default: the current folder)
#
# Environment: DEBFULLNAME and DEBEMAIL name the maintainer (default: the author of the
# last commit); SOURCE_DATE_EPOCH dates the changelog (default: the last commit's date).
# Needs dpkg-dev (dpkg-shlibdeps) and binutils (strip).
set -euo pipefail
trap 'printf "make-deb: error: line %s failed\n" "$LINENO" >&2' ERR

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=""
OUT=$PWD

log() { printf 'make-deb: %s\n' "$*"; }
die() { printf 'make-deb: error: %s\n' "$*" >&2; exit 1; }

while (($#)); do
  case $1 in
    --build) (($# >= 2)) || die "--build needs a folder"; BUILD=$2; shift 2 ;;
    --out) (($# >= 2)) || die "--out needs a folder"; OUT=$2; shift 2 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

for tool in cmake dpkg-deb dpkg-shlibdeps dpkg-architecture dpkg-buildflags strip gzip md5sum; do
  command -v "$tool" >/dev/null 2>&1 ||
    die "'$tool' is needed (Debian packages cmake, dpkg-dev, binutils)"
done
[[ -d $OUT && -w $OUT ]] || die "--out '$OUT' is not a writable folder"
OUT=$(cd "$OUT" && pwd)

if [[ -z $BUILD ]]; then
  BUILD=$ROOT/build-deb
  log "configuring and building $BUILD for /usr"
  # Debian's hardening flags (stack protector, fortified calls, read-only relocations).
  # (From the source folder: its paths are mapped to '.' in the debugging information.)
  export DEB_BUILD_MAINT_OPTIONS=${DEB_BUILD_MAINT_OPTIONS:-hardening=+all}
  flag() { (cd "$ROOT" && dpkg-buildflags --get "$1"); }
  cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DCMAKE_C_FLAGS="$(flag CFLAGS) $(flag CPPFLAGS)" \
    -DCMAKE_EXE_LINKER_FLAGS="$(flag LDFLAGS)" \
    -DCMAKE_SHARED_LINKER_FLAGS="$(flag LDFLAGS)" >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" --target cutout_cli cutout cutout_shared
fi
[[ -f $BUILD/CMakeCache.txt ]] || die "'$BUILD' is not a cmake build tree"
BUILD=$(cd "$BUILD" && pwd)

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
work=$(mktemp -d "${TMPDIR:-/tmp}/cutout-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
# The layout dpkg-shlibdeps expects: debian/control, and the package's files in debian/cutout.
stage=$work/debian/cutout
DESTDIR=$stage cmake --install "$BUILD" --prefix /usr >/dev/null ||
  die "cmake --install $BUILD failed (is it built?)"

pc=$(find "$stage/usr/lib" -path '*/pkgconfig/cutout.pc' -print -quit)
[[ -n $pc ]] || die "$BUILD installs no cutout.pc"
version=$(sed -n 's/^Version: *//p' "$pc")
[[ $version =~ ^[0-9][0-9.]*$ ]] || die "cannot read the version from $pc"

# Binaries without their symbol tables and comments; the man page compressed.
strip --remove-section=.comment --remove-section=.note "$stage/usr/bin/cutout"
while IFS= read -r -d '' f; do
  strip --strip-unneeded --remove-section=.comment --remove-section=.note "$f"
done < <(find "$stage/usr/lib" -name 'libcutout.so.*' -type f -print0)
while IFS= read -r -d '' f; do
  strip --strip-debug --remove-section=.comment --remove-section=.note \
    --enable-deterministic-archives "$f"
done < <(find "$stage/usr/lib" -name libcutout.a -type f -print0)
gzip -9n "$stage"/usr/share/man/man1/cutout.1

# /usr/share/doc/cutout: the copyright file and the changelog.
if [[ -n ${DEBFULLNAME:-} && -n ${DEBEMAIL:-} ]]; then
  maintainer="$DEBFULLNAME <$DEBEMAIL>"
else
  maintainer=$(git -C "$ROOT" log -1 --format='%an <%ae>' 2>/dev/null) ||
    die "set DEBFULLNAME and DEBEMAIL (no git history to name the maintainer)"
fi
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || date +%s)}
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
doc=$stage/usr/share/doc/cutout
mkdir -p "$doc"
# The copyright years: those of the commits (or of SOURCE_DATE_EPOCH).
first=$(git -C "$ROOT" log --reverse --format=%cd --date=format:%Y 2>/dev/null | sed -n 1p)
last=$(date -u -d "@$epoch" +%Y)
years=${first:-$last}
[[ $years == "$last" ]] || years="$years-$last"
sed "s/@YEARS@/$years/" "$ROOT/packaging/copyright" >"$doc/copyright"
cat >"$work/changelog" <<EOF
cutout ($version) unstable; urgency=medium

  * Built from the source tree at commit $commit.

 -- $maintainer  $(LC_ALL=C date -u -R -d "@$epoch")
EOF
gzip -9n -c "$work/changelog" >"$doc/changelog.gz"

mkdir -p "$stage/DEBIAN"
cat >"$work/debian/control" <<EOF
Source: cutout
Maintainer: $maintainer

Package: cutout
Architecture: any
Description: background removal for photos of any size
EOF
libs=()
while IFS= read -r -d '' f; do libs+=("-e$f"); done < <(
  find "$stage/usr/bin" "$stage/usr/lib" -type f \( -name cutout -o -name 'libcutout.so.*' \) -print0)
depends=$(cd "$work" && dpkg-shlibdeps -O "${libs[@]}" 2>"$work/shlibdeps.log" |
          sed -n 's/^shlibs:Depends=//p') || { cat "$work/shlibdeps.log" >&2; die "dpkg-shlibdeps failed"; }
[[ -n $depends ]] || { cat "$work/shlibdeps.log" >&2; die "dpkg-shlibdeps found no dependencies"; }

cat >"$stage/DEBIAN/control" <<EOF
Package: cutout
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: $depends
Section: graphics
Priority: optional
Description: background removal for photos of any size
 cutout cuts the subject out of a photo and writes an RGBA image of the
 photo's size whose alpha is the subject's mask: a segmentation network
 (ISNet, ONNX) on its own inference engine over oneDNN, refined at the
 photo's own resolution by tiles, alpha matting and foreground colour
 estimation. The program does one photo, a folder of photos (resumable,
 sharded across machines) or serves an HTTP API with a web page.
 .
 The library libcutout (cutout.h; pkg-config cutout; CMake
 find_package(cutout)) does the same from C. The models are not included:
 /usr/share/cutout/fetch-models.sh --to ~/.local/share/cutout/models
 fetches them (with npm).
EOF
# The shared library's dependency line for packages linking it, and the loader's cache.
echo "libcutout 0 cutout (>= $version)" >"$stage/DEBIAN/shlibs"
echo "activate-noawait ldconfig" >"$stage/DEBIAN/triggers"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
  xargs -0 md5sum >DEBIAN/md5sums)
chmod -R u+rwX,go+rX,go-w "$stage"
chmod 0644 "$stage"/DEBIAN/{control,shlibs,triggers,md5sums}

deb=$OUT/cutout_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
log "wrote $deb"
log "Depends: $depends"
