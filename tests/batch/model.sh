# cutout batch with the real model on a small folder: outputs cut out at the mirrored paths,
# a broken photo reported with status 1 while the others succeed, then the rerun (the
# rembg-style short form) skipping every complete output without rewriting it.
set -u
cutout=$(realpath "$1")
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/lib_model.sh"
cd "$tmp"
small_photo in/a.jpg 160
small_photo in/sub/b.png 100
echo "not a photo" > in/sub/broken.jpg
echo "notes" > in/notes.txt

expect 1 "$cutout" batch in -o out -j 2
check "a.png: RGBA, the photo's size" valid_rgba out/a.png 160 107
check "sub/b.png: RGBA, the photo's size" valid_rgba out/sub/b.png 100 67
check "transparent corner" test "$(vips getpoint out/a.png 1 1 | awk '{print $4}')" = 0
check "opaque subject" test "$(vips getpoint out/a.png 74 49 | awk '{print $4}')" = 255
check "only the two outputs" test "$(find out -type f | wc -l)" = 2
check "the broken photo reported with its reason" \
  grep -q "failed sub/broken.jpg: .*not an image" "$tmp/stderr"
check "the summary" grep -q "3 images: 2 done, 0 skipped (already complete), 1 failed" "$tmp/stderr"
check "the failures listed at the end" grep -q "^  sub/broken.jpg: " "$tmp/stderr"

before=$(stamps out)
expect 1 "$cutout" p in out
check "rerun: both skipped" grep -q "3 images: 0 done, 2 skipped (already complete), 1 failed" "$tmp/stderr"
check "rerun: outputs not rewritten" test "$(stamps out)" = "$before"
rm in/sub/broken.jpg
expect 0 "$cutout" p in out -q
check "quiet and all well: nothing printed" test ! -s "$tmp/stderr"
finish
