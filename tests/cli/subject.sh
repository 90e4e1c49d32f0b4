# cutout remove --subject on the example portrait: the person's cutout is the mask
# `cutout instances` gives that person, "largest" is that same person, a class absent from
# the photo gives an empty cutout (and says so), and bad subjects, detectors and option
# mixes fail with one line.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
needs_detector
export CUTOUT_DETECTOR=$detector
maxdiff() { # the largest |a - b| over two 1-band images
  vips subtract "$1" "$2" "$tmp/d.v" && vips abs "$tmp/d.v" "$tmp/a.v" && vips max "$tmp/a.v" | awk '{ printf "%d", $1 }'
}

expect 0 "$cutout" remove "$photo" -o "$tmp/person.png" --subject person --mask -q
expect 0 "$cutout" instances "$photo" -o "$tmp/inst" --class person --mask -q
check "--subject person is the person's instance mask" test "$(maxdiff "$tmp/person.png" "$tmp/inst/portrait-curls-1.png")" = 0
check "the mask holds the person" test "$(last_band_at "$tmp/person.png" 500 900)/$(last_band_at "$tmp/person.png" 1600 20)" = 255/0
expect 0 "$cutout" remove "$photo" -o "$tmp/largest.png" --subject largest --mask -q
check "--subject largest is that person" test "$(maxdiff "$tmp/person.png" "$tmp/largest.png")" = 0
expect 0 "$cutout" remove "$photo" -o "$tmp/cut.png" --subject person
check "it says what it found" grep -q "subject person: 1 found, 1 kept" "$tmp/stdout"
check "RGBA, opaque on the person, clear in the corner" test "$(vipsheader -f bands "$tmp/cut.png")/$(last_band_at "$tmp/cut.png" 500 900)/$(last_band_at "$tmp/cut.png" 1600 20)" = 4/255/0
expect 0 "$cutout" remove "$photo" -o "$tmp/dog.png" --subject dog --mask
check "no dog: it says so" grep -q "no instance of the subject" "$tmp/stderr"
check "no dog: an empty mask" test "$(vips max "$tmp/dog.png" | awk '{ printf "%d", $1 }')" = 0
expect fail "$cutout" remove "$photo" -o "$tmp/x.png" --subject dogs
expect fail "$cutout" remove "$photo" -o "$tmp/x.png" --detector "$detector"
expect fail "$cutout" remove "$photo" -o "$tmp/x.png" --subject person --trimap "$tmp/dog.png"
printf '{"modelTopology": 3}' >"$tmp/bad.json"
expect fail "$cutout" remove "$photo" -o "$tmp/x.png" --subject person --detector "$tmp/bad.json"
check "a failed run leaves no output" test ! -e "$tmp/x.png"
expect fail "$cutout" instances "$photo" -o "$tmp/y" --subject person
finish
