# cutout instances on the example portrait: one person, its cutout (photo-sized, or cropped
# with --crop, its alpha from the instance's mask), the JSON naming it, and a label image
# that is 1 on the person and 0 around; bad options, photos and detectors fail with one line.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
needs_detector

expect 0 "$cutout" instances "$photo" -o "$tmp/out" --class person --labels "$tmp/labels.png" -q
json=$tmp/out/portrait-curls.json
check "one person in the JSON" test "$(node -e 'const j=require(process.argv[1]);
  console.log(j.instances.length + " " + j.instances[0].class + " " + j.width + "x" + j.height)' "$json")" = "1 person 1620x1080"
check "the cutout is photo-sized RGBA" test "$(vipsheader -f width "$tmp/out/portrait-curls-1.png")x$(vipsheader -f bands "$tmp/out/portrait-curls-1.png")" = 1620x4
check "opaque on the person, clear in the corner" test "$(last_band_at "$tmp/out/portrait-curls-1.png" 500 900)/$(last_band_at "$tmp/out/portrait-curls-1.png" 1600 20)" = 255/0
check "labels: 1 on the person, 0 in the corner" test "$(last_band_at "$tmp/labels.png" 500 900)/$(last_band_at "$tmp/labels.png" 1600 20)" = 1/0
expect 0 "$cutout" instances "$photo" -o "$tmp/crop" --crop --mask -q
check "cropped to the instance" test "$(node -e 'const j=require(process.argv[1]); const c=j.instances[0].crop;
  console.log(c[2] < 1620 && c[2] === '"$(vipsheader -f width "$tmp/crop/portrait-curls-1.png" 2>/dev/null || echo 0)"' ? "yes" : "no")' "$tmp/crop/portrait-curls.json")" = yes
expect 0 "$cutout" instances "$photo" -o "$tmp/none" --class giraffe -q
check "no giraffe: an empty list" test "$(node -e 'console.log(require(process.argv[1]).instances.length)' "$tmp/none/portrait-curls.json")" = 0
expect fail "$cutout" instances "$photo" -o "$tmp/x" --class unicorn
expect fail "$cutout" instances "$photo" -o "$tmp/x" --min-score 2
expect fail "$cutout" instances "$photo"
expect fail "$cutout" instances "$tmp/labels.png.missing" -o "$tmp/x"
printf 'not an image' >"$tmp/bad.jpg"
expect fail "$cutout" instances "$tmp/bad.jpg" -o "$tmp/x"
printf '{"modelTopology": 3}' >"$tmp/bad.json"
expect fail "$cutout" instances "$photo" -o "$tmp/x" --detector "$tmp/bad.json"
expect fail "$cutout" instances "$photo" -o "$tmp/x" --labels "$photo"
finish
