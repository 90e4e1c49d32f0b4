# cutout remove --tiles on the example photo: the tile pass runs, says how many tiles ran,
# and gives an image of the photo's size; bad tile sizes fail before any work.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
needs_model
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --tile 0 --model "$model"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --tile 16 --model "$model"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --tile 512 --overlap 400 --model "$model"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --tile-scale 0.5 --model "$model"
check "says what the tile scale must be" grep -q "tile-scale needs a number from 1 to 64" \
  "$tmp/stderr"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --tile-scale x --model "$model"
check "no output written by the failures above" test ! -e "$tmp/out.png"

# 1620x1080 with 1024-pixel tiles overlapping by 256: two columns, two rows.
expect 0 "$cutout" remove "$photo" -o "$tmp/out.png" --tiles --model "$model"
check "reports the tiles" grep -q "tiles: [0-9]* run, [0-9]* skipped of 4" "$tmp/stdout"
check "RGBA PNG" test "$(vipsheader -f bands "$tmp/out.png")" = 4
check "same width as the photo" test "$(vipsheader -f width "$tmp/out.png")" = 1620
check "same height as the photo" test "$(vipsheader -f height "$tmp/out.png")" = 1080
check "transparent corner" test "$(vips getpoint "$tmp/out.png" 5 5 | awk '{print $4}')" = 0
check "opaque subject (face)" test "$(vips getpoint "$tmp/out.png" 750 500 | awk '{print $4}')" = 255

expect 0 "$cutout" remove "$photo" -o "$tmp/mask.png" --mask -q --tile 1200 --overlap 300 \
  --model "$model"
check "quiet prints nothing" test ! -s "$tmp/stdout"

# --tile-scale 2: the photo at 810x540 for the tiles, one tile of 1024 (the photo is smaller);
# the result keeps the photo's size.
expect 0 "$cutout" remove "$photo" -o "$tmp/scaled.png" --mask --tile-scale 2 --model "$model"
check "one tile at scale 2" grep -q "tiles: [0-9]* run, [0-9]* skipped of 1" "$tmp/stdout"
check "scaled tiles: the photo's width" test "$(vipsheader -f width "$tmp/scaled.png")" = 1620

# --debug-dir: the intermediate masks, each of the photo's size; a file in the way fails early.
expect 0 "$cutout" remove "$photo" -o "$tmp/dbg.png" -q --tiles --matting off --debug-dir "$tmp/dbg" \
  --model "$model"
for f in global tiles tiles-chosen fused; do
  check "debug $f.png written" test "$(vipsheader -f width "$tmp/dbg/$f.png")" = 1620
done
check "the fused debug mask is the result's alpha" \
  test "$(vips extract_band "$tmp/dbg.png" "$tmp/alpha.v" 3 && vips subtract "$tmp/alpha.v" \
    "$tmp/dbg/fused.png" "$tmp/diff.v" && vips abs "$tmp/diff.v" "$tmp/absdiff.v" &&
    vips max "$tmp/absdiff.v" | awk '{print ($1 == 0)}')" = 1
touch "$tmp/afile"
expect fail "$cutout" remove "$photo" -o "$tmp/dbg2.png" --tiles --debug-dir "$tmp/afile" \
  --model "$model"
check "says the debug folder is not a folder" grep -q "not a folder" "$tmp/stderr"
check "no output after a bad debug folder" test ! -e "$tmp/dbg2.png"
check "mask is greyscale" test "$(vipsheader -f bands "$tmp/mask.png")" = 1
finish
