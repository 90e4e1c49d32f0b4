#!/usr/bin/env bash
# The Debian package:
#   deb_model.sh BUILD_DIR
# builds it with scripts/make-deb.sh from BUILD_DIR, checks its fields (Depends: covers the
# package of every library its binaries link), installs it with dpkg into a scratch root,
# runs the program installed there (the model in the user's data folder), checks that
# lintian reports no error, and removes it again: nothing may be left behind.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/../cli/lib.sh"
build=$1
needs_model
for tool in dpkg dpkg-deb dpkg-shlibdeps lintian readelf vipsheader; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: '$tool' not found (Debian packages dpkg-dev, lintian, binutils, libvips-tools)"
    exit 77
  fi
done

expect 0 bash "$src/scripts/make-deb.sh" --build "$build" --out "$tmp"
cat "$tmp/stdout"
arch=$(dpkg --print-architecture)
version=$("$build/cutout" version | cut -d' ' -f2)
deb=$tmp/cutout_${version}_${arch}.deb
check "the package is named cutout_${version}_${arch}.deb" test -f "$deb"
[[ -f $deb ]] || finish

field() { dpkg-deb -f "$deb" "$1"; }
check "Package: cutout" test "$(field Package)" = cutout
check "Version: $version" test "$(field Version)" = "$version"
check "Architecture: $arch" test "$(field Architecture)" = "$arch"
depends=$(field Depends)
echo "Depends: $depends"
# Every library the binaries need comes from a package Depends: names (dpkg -S tells which).
dpkg-deb -x "$deb" "$tmp/x"
for bin in "$tmp/x/usr/bin/cutout" $(find "$tmp/x/usr/lib" -name 'libcutout.so.*' -type f); do
  for soname in $(readelf -d "$bin" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p'); do
    path=$(ldconfig -p | awk -v s="$soname" '$1 == s { print $NF; exit }')
    pkg=""
    # (dpkg knows a library by the path its package gives: /lib or /usr/lib, link or file.)
    for p in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr$path"; do
      pkg=$(dpkg -S "$p" 2>/dev/null | head -n1 | cut -d: -f1)
      [[ -n $pkg ]] && break
    done
    check "$(basename "$bin") needs $soname: its package ${pkg:-?} is in Depends" \
      grep -qE "(^|, )${pkg:-unknown}( |,|$)" <<<"$depends"
  done
done
for f in usr/bin/cutout usr/include/cutout.h usr/share/man/man1/cutout.1.gz \
         usr/share/cutout/fetch-models.sh usr/share/doc/cutout/copyright; do
  check "the package holds /$f" test -f "$tmp/x/$f"
done
for f in libcutout.so.0 libcutout.so libcutout.a pkgconfig/cutout.pc cmake/cutout/cutout-config.cmake; do
  check "the package holds /usr/lib/.../$f" test -n "$(find "$tmp/x/usr/lib" -path "*/$f")"
done

# lintian: no errors (its warnings are printed).
expect 0 lintian --fail-on error "$deb"
cat "$tmp/stdout"

# Installed into a scratch root: dpkg's own database there, the system's libraries used.
root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
expect 0 dpkg --root="$root" --force-depends --force-not-root -i "$deb"
check "dpkg lists cutout as installed" \
  test "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Status}' cutout)" = "install ok installed"
expect 0 "$root/usr/bin/cutout" version
check "the installed program is version $version" grep -qE "^cutout $version( |$)" "$tmp/stdout"
# The model in the user's data folder, the program run from elsewhere.
mkdir -p "$tmp/data/cutout/models"
ln -s "$(readlink -f "$model")" "$tmp/data/cutout/models/isnet-fp16.onnx"
cd "$tmp" || exit 1
expect 0 env -u CUTOUT_MODEL XDG_DATA_HOME="$tmp/data" OMP_NUM_THREADS=2 \
  "$root/usr/bin/cutout" remove "$photo" -o "$tmp/cut.png" -q
if [[ -f $tmp/cut.png ]]; then
  check "the cutout is RGBA" test "$(vipsheader -f bands "$tmp/cut.png")" = 4
  check "the cutout has the photo's size" \
    test "$(vipsheader -f width "$tmp/cut.png")x$(vipsheader -f height "$tmp/cut.png")" = \
         "$(vipsheader -f width "$photo")x$(vipsheader -f height "$photo")"
fi

# Removed: nothing of it left.
expect 0 dpkg --root="$root" --force-not-root --purge cutout
check "dpkg no longer lists cutout" \
  test -z "$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f '${Status}' cutout 2>/dev/null | grep installed)"
left=$(find "$root/usr" -mindepth 1 2>/dev/null)
check "nothing is left under /usr${left:+: $left}" test -z "$left"
finish
