# The command line under valgrind (memcheck), without the network: decoding, the trimap,
# both matting modes, the foreground colours and encoding on a small crop of the example,
# and a failing run. Any invalid access, use of uninitialised memory or definite leak fails.
# valgrind must first run the program and its libraries here (`cutout version`): where it
# cannot (it dies on an instruction it does not emulate, as valgrind 3.19 does on libhwy's
# AVX-512 code on some CPUs), the test is skipped (77) with valgrind's own message.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
src=${CUTOUT_SOURCE_DIR:-.}
command -v valgrind >/dev/null || { echo "SKIP: valgrind is not installed (scripts/setup.sh)"; exit 77; }
vg() {
  valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    --show-possibly-lost=no --show-reachable=no "$@"
}
# Can valgrind run the program on this CPU? (libvips' loaders, and the libraries they open,
# start in a bare `cutout version` too.)
vg_rc=0
valgrind -q --error-exitcode=99 "$cutout" version >"$tmp/probe.out" 2>"$tmp/probe.err" || vg_rc=$?
if [ "$vg_rc" -ne 0 ] && [ "$vg_rc" -ne 99 ]; then
  if [ "$vg_rc" -ge 128 ] || grep -q 'Process terminating with default action of signal' "$tmp/probe.err"; then
    echo "SKIP: valgrind cannot run the program's libraries on this CPU (status $vg_rc):"
    grep -E 'Process terminating|Illegal|unhandled instruction|at 0x' "$tmp/probe.err" | head -n 4
    exit 77
  fi
fi
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
