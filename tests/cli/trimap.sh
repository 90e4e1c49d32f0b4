# cutout trimap --mask, no network: a square mask over a photo whose coloured square is 3 px
# larger on every side. The trimap holds only 0/128/255, sure where the hard mask is with the
# erosion asked for, a wider band for a larger erosion or a blurrier mask, and with --slic a
# band that reaches the photo's own edge; bad options and inputs fail with one line and write
# nothing.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"

# count IMG OP VALUE: pixels of IMG (one band) for which IMG OP VALUE holds
count() {
  vips relational_const "$1" "$tmp/rel.v" "$2" "$3" &&
    vips avg "$tmp/rel.v" | awk -v n="$(($(vipsheader -f width "$1") * $(vipsheader -f height "$1")))" \
      '{ printf "%d", $1 / 255 * n + 0.5 }'
}
at() { vips getpoint "$1" "$2" "$3" | awk '{ printf "%d", $1 }'; } # at IMG X Y

# the mask: a hard square, x 90..209, y 40..159, in 300 x 200
vips black "$tmp/m.v" 300 200 && vips draw_rect "$tmp/m.v" 255 90 40 120 120 --fill &&
  vips copy "$tmp/m.v" "$tmp/mask.png"
# the photo: an orange square 3 px larger on every side over blue, so its right edge is at
# x = 212 where the mask's is at x = 209
vips black "$tmp/d.v" 300 200 && vips draw_rect "$tmp/d.v" 255 87 37 126 126 --fill &&
  vips linear "$tmp/d.v" "$tmp/r.v" 0.7 30 --uchar && vips linear "$tmp/d.v" "$tmp/g.v" 0.3 60 --uchar &&
  vips invert "$tmp/d.v" "$tmp/di.v" && vips linear "$tmp/di.v" "$tmp/b.v" 0.6 47 --uchar &&
  vips bandjoin "$tmp/r.v $tmp/g.v $tmp/b.v" "$tmp/p.v" && vips copy "$tmp/p.v" "$tmp/photo.png"
# the same mask blurred
vips gaussblur "$tmp/mask.png" "$tmp/blurry.png" 4
photo=$tmp/photo.png
if [ ! -f "$photo" ] || [ ! -f "$tmp/blurry.png" ]; then echo "FAIL: could not make the inputs"; exit 1; fi

expect 0 "$cutout" trimap "$photo" --mask "$tmp/mask.png" --erode 5 -o "$tmp/t5.png"
check "the trimap is the photo's size" test "$(vipsheader -f width "$tmp/t5.png")x$(vipsheader -f height "$tmp/t5.png")" = 300x200
check "only 0, 128 and 255" test $(($(count "$tmp/t5.png" equal 0) + $(count "$tmp/t5.png" equal 128) + \
  $(count "$tmp/t5.png" equal 255))) = 60000
check "centre sure foreground, corner sure background" test "$(at "$tmp/t5.png" 150 100)/$(at "$tmp/t5.png" 0 0)" = 255/0
# erosion by 5: x 205..214 unknown around the mask's edge between x = 209 and 210
check "the band is 5 px either side of the edge" \
  test "$(at "$tmp/t5.png" 204 100)/$(at "$tmp/t5.png" 205 100)/$(at "$tmp/t5.png" 214 100)/$(at "$tmp/t5.png" 215 100)" = 255/128/128/0
expect 0 "$cutout" trimap "$photo" --mask "$tmp/mask.png" --erode 15 -o "$tmp/t15.png" -q
check "-q prints nothing" test ! -s "$tmp/stdout"
u5=$(count "$tmp/t5.png" equal 128) u15=$(count "$tmp/t15.png" equal 128)
echo "unknown pixels: $u5 (erode 5), $u15 (erode 15)"
check "a larger erosion gives a wider band" test "$u15" -gt $((2 * u5))
expect 0 "$cutout" trimap "$photo" --mask "$tmp/blurry.png" --erode 5 -o "$tmp/tb.png" -q
ub=$(count "$tmp/tb.png" equal 128)
echo "unknown pixels of the blurred mask: $ub"
check "a blurrier mask gives a wider band" test "$ub" -gt "$u5"
expect 0 "$cutout" trimap "$photo" --mask "$tmp/blurry.png" --trimap-fg 128 --trimap-bg 127 --erode 5 -o "$tmp/tt.png" -q
ut=$(count "$tmp/tt.png" equal 128)
echo "unknown pixels of the blurred mask cut at 50%: $ut"
check "thresholds at 50% give the hard mask's band back" test $(((ut - u5) * (ut - u5) * 100 < u5 * u5)) = 1

# the photo's last orange column, x = 212, is sure background without superpixels, in the band with them
expect 0 "$cutout" trimap "$photo" --mask "$tmp/mask.png" --erode 2 -o "$tmp/t2.png" -q
expect 0 "$cutout" trimap "$photo" --mask "$tmp/mask.png" --erode 2 --slic -o "$tmp/ts.png" -q
check "without --slic the photo's edge is called background" test "$(at "$tmp/t2.png" 212 100)" = 0
check "with --slic the band reaches the photo's edge" test "$(at "$tmp/ts.png" 212 100)" = 128
check "with --slic the band is wider" test "$(count "$tmp/ts.png" equal 128)" -gt "$(count "$tmp/t2.png" equal 128)"
check "with --slic the centre and the corner stay sure" test "$(at "$tmp/ts.png" 150 100)/$(at "$tmp/ts.png" 0 0)" = 255/0

vips crop "$tmp/mask.png" "$tmp/small.png" 0 0 100 100
expect fail "$cutout" trimap "$photo" --mask "$tmp/small.png" -o "$tmp/bad.png"
expect fail "$cutout" trimap "$photo" --mask "$tmp/missing.png" -o "$tmp/bad.png"
expect fail "$cutout" trimap "$photo" --mask "$tmp/mask.png" --trimap-fg 100 --trimap-bg 200 -o "$tmp/bad.png"
expect fail "$cutout" trimap "$photo" --mask "$tmp/mask.png" --erode -3 -o "$tmp/bad.png"
expect fail "$cutout" trimap "$photo" --mask "$tmp/mask.png" -o "$tmp/bad.txt"
expect fail "$cutout" trimap "$photo" --mask "$tmp/mask.png"
expect fail "$cutout" trimap "$photo" --mask "$tmp/mask.png" -o "$tmp/mask.png"
check "no output written by the failures above" test ! -e "$tmp/bad.png" -a ! -e "$tmp/bad.txt"
check "the mask is left as it was" test "$(at "$tmp/mask.png" 150 100)/$(count "$tmp/mask.png" equal 255)" = "255/$(count "$tmp/m.v" equal 255)"
finish
