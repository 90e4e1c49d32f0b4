# The command line under valgrind (memcheck), without the network: decoding, the trimap,
# both matting modes, the foreground colours and encoding on a small crop of the example,
# and a failing run. Any invalid access, use of uninitialised memory or definite leak fails.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
src=${CUTOUT_SOURCE_DIR:-.}
command -v valgrind >/dev/null || { echo "FAIL: valgrind is not installed (scripts/setup.sh)"; exit 1; }
vg() {
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-possibly-lost=no --show-reachable=no "$@"
}
vips crop "$src/examples/portrait-curls.jpg" "$tmp/photo.png" 0 400 240 180
vips colourspace "$tmp/photo.png" "$tmp/grey.v" b-w
vips relational_const "$tmp/grey.v" "$tmp/mask.png" less 90
expect 0 vg "$cutout" trimap "$tmp/photo.png" --mask "$tmp/mask.png" -o "$tmp/trimap.png" -q
expect 0 vg "$cutout" matte "$tmp/photo.png" "$tmp/trimap.png" --mask "$tmp/mask.png" --rgba \
  -o "$tmp/full.png" -t 1 -q
expect 0 vg "$cutout" matte "$tmp/photo.png" "$tmp/trimap.png" --mode fast -o "$tmp/fast.png" -q
check "RGBA written" test "$(vipsheader -f bands "$tmp/full.png")" = 4
echo "not an image" > "$tmp/bad.png"
expect fail vg "$cutout" matte "$tmp/bad.png" "$tmp/trimap.png" -o "$tmp/x.png"
check "valgrind itself found nothing in the failing run" test "$(grep -c '==[0-9]*==' "$tmp/stderr")" = 0
finish
