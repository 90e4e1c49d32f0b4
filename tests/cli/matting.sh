# Matting from the command line: the default pipeline mattes (--fast does not: it is the
# stretched global pass alone), cutout remove --matting (full and fast) with --debug-dir,
# cutout trimap, and cutout matte over a trimap; sure pixels of the trimap come out exactly
# 0/255 and the soft band changes; bad matting options fail before any work.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
needs_model

# count IMG OP VALUE: pixels of IMG (one band) for which IMG OP VALUE holds
count() {
  vips relational_const "$1" "$tmp/rel.v" "$2" "$3" &&
    vips avg "$tmp/rel.v" | awk -v n="$(($(vipsheader -f width "$1") * $(vipsheader -f height "$1")))" \
      '{ printf "%d", $1 / 255 * n + 0.5 }'
}
# differing A B: pixels where A and B differ
differing() {
  vips relational "$1" "$2" "$tmp/ne.v" noteq && vips avg "$tmp/ne.v" |
    awk -v n="$(($(vipsheader -f width "$1") * $(vipsheader -f height "$1")))" '{ printf "%d", $1 / 255 * n + 0.5 }'
}
# sure_kept TRIMAP ALPHA: 1 when every sure pixel of the trimap has that value in the alpha
sure_kept() {
  vips relational_const "$1" "$tmp/fg.v" equal 255 && vips relational_const "$2" "$tmp/a255.v" noteq 255 &&
    vips boolean "$tmp/fg.v" "$tmp/a255.v" "$tmp/bad1.v" and &&
    vips relational_const "$1" "$tmp/bg.v" equal 0 && vips relational_const "$2" "$tmp/a0.v" noteq 0 &&
    vips boolean "$tmp/bg.v" "$tmp/a0.v" "$tmp/bad2.v" and &&
    vips boolean "$tmp/bad1.v" "$tmp/bad2.v" "$tmp/bad.v" or &&
    vips max "$tmp/bad.v" | awk '{ print ($1 == 0) }'
}

expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --matting sometimes --model "$model"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --trimap-fg 100 --trimap-bg 200 --model "$model"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --matting off --erode 5 --model "$model"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --trimap "$tmp/missing.png" --model "$model"
check "no output written by the failures above" test ! -e "$tmp/out.png"

# full matting, with the intermediate images
expect 0 "$cutout" remove "$photo" -o "$tmp/full.png" --mask --matting full --debug-dir "$tmp/dbg" \
  --model "$model"
check "reports the matting" grep -q "matting [0-9.]* s ([0-9]* unknown pixels" "$tmp/stdout"
for f in global trimap matte; do
  check "debug $f.png of the photo's size" test "$(vipsheader -f width "$tmp/dbg/$f.png")" = 1620
done
check "decisions.json says what was decided" grep -q '"matting": "full"' "$tmp/dbg/decisions.json"
check "decisions.json: no tiles below 2048 px" grep -q '"tiles": false' "$tmp/dbg/decisions.json"
check "decisions.json: the framing" grep -q '"framing": "stretch"' "$tmp/dbg/decisions.json"
check "the matte is the result" test "$(differing "$tmp/full.png" "$tmp/dbg/matte.png")" = 0
check "the sure pixels of the trimap are kept" test "$(sure_kept "$tmp/dbg/trimap.png" "$tmp/full.png")" = 1
check "the band changed" test "$(differing "$tmp/full.png" "$tmp/dbg/global.png")" -gt 10000
check "the trimap has an unknown band" test "$(count "$tmp/dbg/trimap.png" equal 128)" -gt 10000

# fast matting and an RGBA result over a colour
expect 0 "$cutout" remove "$photo" -o "$tmp/fast.png" --matting fast --bg-color 0,128,0 -q --model "$model"
check "opaque RGB over the colour" test "$(vipsheader -f bands "$tmp/fast.png")" = 3

# the trimap given back: the same result as the one made inside
expect 0 "$cutout" remove "$photo" -o "$tmp/again.png" --mask --trimap "$tmp/dbg/trimap.png" -q \
  --model "$model"
check "--trimap FILE gives the same matte" test "$(differing "$tmp/full.png" "$tmp/again.png")" = 0

# the default is full matting; --fast the network's mask alone, stretched
expect 0 "$cutout" remove "$photo" -o "$tmp/default.png" --mask --model "$model"
check "the default mattes" grep -q "matting [0-9.]* s (" "$tmp/stdout"
check "the default is --matting full" test "$(differing "$tmp/full.png" "$tmp/default.png")" = 0
expect 0 "$cutout" remove "$photo" -o "$tmp/quick.png" --mask --fast --model "$model"
check "--fast does not matte" sh -c "! grep -q 'matting' '$tmp/stdout'"
expect 0 "$cutout" remove "$photo" -o "$tmp/plain.png" --mask --matting off --framing stretch -q \
  --model "$model"
check "--fast is --framing stretch --matting off" test "$(differing "$tmp/quick.png" "$tmp/plain.png")" = 0
check "--fast gives the global mask" test "$(differing "$tmp/quick.png" "$tmp/dbg/global.png")" = 0
expect 0 "$cutout" remove "$photo" -o "$tmp/fastfull.png" --mask --fast --matting full -q --model "$model"
check "--fast --matting full mattes" test "$(differing "$tmp/fastfull.png" "$tmp/full.png")" = 0
expect fail "$cutout" remove "$photo" -o "$tmp/bad.png" --framing round --model "$model"

vips crop "$tmp/dbg/trimap.png" "$tmp/small.png" 0 0 100 100
# cutout trimap: the same trimap as remove made, from the network or from a mask
expect 0 "$cutout" trimap "$photo" -o "$tmp/t1.png" --model "$model"
check "reports the unknown pixels" grep -q "unknown pixels" "$tmp/stdout"
check "cutout trimap gives remove's trimap" test "$(differing "$tmp/t1.png" "$tmp/dbg/trimap.png")" = 0
expect 0 "$cutout" trimap "$photo" --mask "$tmp/dbg/global.png" -o "$tmp/t2.png" -q
check "the same from the mask" test "$(differing "$tmp/t2.png" "$tmp/dbg/trimap.png")" = 0
expect 0 "$cutout" trimap "$photo" --mask "$tmp/dbg/global.png" --erode 40 --slic -o "$tmp/t3.png" -q
check "a wider band with --erode 40 --slic" \
  test "$(count "$tmp/t3.png" equal 128)" -gt "$(count "$tmp/t2.png" equal 128)"
expect fail "$cutout" trimap "$photo" --mask "$tmp/small.png" -o "$tmp/bad.png"
expect fail "$cutout" trimap "$photo" -o "$tmp/bad.png" --trimap "$tmp/t2.png"

# cutout matte: no network; the global mask as the starting guess
expect 0 "$cutout" matte "$photo" "$tmp/dbg/trimap.png" --mask "$tmp/dbg/global.png" -o "$tmp/m.png"
check "cutout matte gives remove's matte" test "$(differing "$tmp/full.png" "$tmp/m.png")" = 0
expect 0 "$cutout" matte "$photo" "$tmp/dbg/trimap.png" --mode fast --rgba -o "$tmp/m.webp" -q
check "cutout matte --rgba: 4 bands" test "$(vipsheader -f bands "$tmp/m.webp")" = 4
expect fail "$cutout" matte "$photo" "$tmp/small.png" -o "$tmp/bad.png"
expect fail "$cutout" matte "$photo" -o "$tmp/bad.png"
expect fail "$cutout" matte "$photo" "$tmp/dbg/trimap.png" -o "$photo"
expect fail "$cutout" matte "$photo" "$tmp/dbg/trimap.png" --mode slow -o "$tmp/bad.png"
check "no output from the failed matte runs" test ! -e "$tmp/bad.png"
finish
