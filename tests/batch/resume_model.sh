# Resume after a crash: a batch of six photos with one worker is killed (SIGKILL) as soon as
# its first output appears; the rerun skips what was finished, does the rest, removes what
# the killed process may have left half-written, and every output ends complete and valid,
# none twice.
set -u
cutout=$(realpath "$1")
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib_model.sh"
cd "$tmp"
for i in 1 2 3 4 5 6; do small_photo in/p$i.jpg $((60 + 8 * i)); done

"$cutout" batch in -o out -j 1 > run1.log 2>&1 &
pid=$!
check "a first output appears" wait_for_output out $pid
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
done_before=$(find out -name '[!.]*.png' | wc -l)
check "killed before the end" test "$done_before" -ge 1 -a "$done_before" -lt 6
before=$(stamps out)
# What a kill in the middle of a write leaves (a temporary file of the dead process).
echo "half" > "out/.p6.png.$pid.0badcafe.tmp"

expect 0 "$cutout" batch in -o out -j 2
check "the finished ones skipped" grep -q "6 images: $((6 - done_before)) done, $done_before skipped" "$tmp/stderr"
check "the leftover removed" grep -q "removed 1 temporary file" "$tmp/stderr"
check "the finished ones not rewritten" kept "$before" "$(stamps out)"
check "six outputs, nothing else" test "$(find out -type f | wc -l)" = 6
check "no temporary file" test -z "$(find out -name '*.tmp')"
for i in 1 2 3 4 5 6; do
  w=$((60 + 8 * i))
  h=$(vipsheader -f height in/p$i.jpg)
  check "p$i.png complete and valid" valid_rgba out/p$i.png $w $h
done
finish
