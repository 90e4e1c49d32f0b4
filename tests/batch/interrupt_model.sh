# Ctrl-C: SIGINT during a run of six photos with two workers stops it with status 130, the
# photos past the network finished and the others left; no temporary file remains, every
# output present is complete, and the rerun finishes the rest.
set -u
cutout=$(realpath "$1")
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib_model.sh"
cd "$tmp"
for i in 1 2 3 4 5 6; do small_photo in/p$i.jpg $((60 + 8 * i)); done

"$cutout" batch in -o out -j 2 > run1.log 2>&1 &
pid=$!
check "a first output appears" wait_for_output out $pid
kill -INT $pid
rc=0
wait $pid || rc=$?
check "status 130 after SIGINT (got $rc)" test "$rc" = 130
check "says it stopped" grep -q "stopped by a signal" run1.log
check "no temporary file" test -z "$(find out -name '*.tmp')"
n=$(find out -type f | wc -l)
check "stopped before the end ($n of 6)" test "$n" -ge 1 -a "$n" -lt 6
for f in out/*.png; do
  p=in/$(basename "$f" .png).jpg
  check "$f complete" valid_rgba "$f" "$(vipsheader -f width "$p")" "$(vipsheader -f height "$p")"
done
expect 0 "$cutout" batch in -o out -j 2
check "the rerun finishes" grep -q "6 images: $((6 - n)) done, $n skipped" "$tmp/stderr"
check "six outputs" test "$(find out -type f | wc -l)" = 6
finish
