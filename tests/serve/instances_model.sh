#!/usr/bin/env bash
# cutout serve with the real model and detector, driven with curl: POST /api/instances on the
# example portrait (one person; its PNG at the photo's size, or the crop's, opaque on the
# person and clear in a far corner; the crop has the same alpha as the whole), subject=person
# on /api/remove (the same mask as `cutout remove --subject person --mask`), 400s for bad
# values and broken bodies, and 501 from a server without the detector.
#   instances_model.sh path/to/cutout
set -u
cutout=$1
src=${CUTOUT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
model=$src/models/isnet-fp16.onnx
detector=$src/models/centernet.json
photo=$src/examples/portrait-curls.jpg
for f in "$model" "$detector" "$photo"; do
  [ -f "$f" ] || { echo "SKIP: $f is missing"; exit 77; }
done
for c in curl vips vipsheader jq base64; do
  command -v $c >/dev/null || { echo "SKIP: $c is not installed"; exit 77; }
done
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

alpha_at() { # alpha_at PNG X Y: the last band's value there
  vips getpoint "$1" "$2" "$3" | awk '{print $NF}'
}
jq_true() { jq -e "$1" "$2" >/dev/null; } # jq_true FILTER FILE
max_diff() { # max_diff A B: the largest absolute difference of two images
  vips subtract "$1" "$2" "$tmp/d.v" && vips abs "$tmp/d.v" "$tmp/ad.v" && vips max "$tmp/ad.v" | cut -d. -f1
}

# --- the command line ----------------------------------------------------------------------------
expect fail "$cutout" serve --detector "$tmp/no-such.json" --port 0 --model "$model"
expect fail "$cutout" serve --detector "$detector" --no-detector
expect fail "$cutout" serve --max-instances 0
expect fail "$cutout" serve --max-instances 101

start_server det --detector "$detector"
start_server none --no-detector
base=http://127.0.0.1:$port_det
none=http://127.0.0.1:$port_none
check "the start line names the detector" grep -q 'detector centernet.json' "$tmp/det.out"
check "healthz names the detector" eval 'curl -s "$base/healthz" | grep -q "\"detector\":\"centernet.json\""'
check "healthz without one: null" eval 'curl -s "$none/healthz" | grep -q "\"detector\":null"'

# --- /api/instances --------------------------------------------------------------------------------
s=$(post "$base/api/instances" "$tmp/i.json" -F "file=@$photo")
check "/api/instances: 200 ($s)" [ "$s" = 200 ]
check "/api/instances: application/json" grep -qi '^content-type: application/json' "$tmp/i.json.h"
check "the photo's size" [ "$(jq -c '[.width,.height]' "$tmp/i.json")" = '[1620,1080]' ]
check "one instance, a person ($(jq -c '[.instances[]|.class]' "$tmp/i.json"))" \
  [ "$(jq -c '[.instances[]|.class]' "$tmp/i.json")" = '["person"]' ]
check "index 1, a score in (0, 1], a box of 4 inside the photo, an area, no crop" \
  jq_true '.instances[0] | .index == 1 and .score > 0 and .score <= 1 and (.box|length) == 4
         and .box[0] >= 0 and .box[1] >= 0 and .box[2] <= 1620 and .box[3] <= 1080
         and .box[0] < .box[2] and .box[1] < .box[3] and .area > 100000 and (has("crop")|not)' \
  "$tmp/i.json"
jq -r '.instances[0].png' "$tmp/i.json" | base64 -d >"$tmp/person.png"
check "its PNG: RGBA at the photo's size" \
  [ "$(header "$tmp/person.png" width)x$(header "$tmp/person.png" height)x$(header "$tmp/person.png" bands)" = 1620x1080x4 ]
read -r bx0 by0 bx1 by1 < <(jq -r '.instances[0].box | map(tostring) | join(" ")' "$tmp/i.json")
cx=$(((bx0 + bx1) / 2)) cy=$(((by0 + by1) / 2))
check "the box's centre is opaque ($cx,$cy: $(alpha_at "$tmp/person.png" $cx $cy))" \
  [ "$(alpha_at "$tmp/person.png" $cx $cy)" = 255 ]
check "the top right corner lies outside the box" [ "$bx1" -lt 1610 ]
check "and is clear ($(alpha_at "$tmp/person.png" 1615 4))" [ "$(alpha_at "$tmp/person.png" 1615 4)" = 0 ]
vips extract_band "$tmp/person.png" "$tmp/person-alpha.png" 3

# cropped, the raw body: the same pixels in the crop's rectangle
s=$(post "$base/api/instances?crop=1&class=person" "$tmp/c.json" --data-binary "@$photo" \
  -H 'Content-Type: image/jpeg')
check "crop=1, raw body: 200 ($s)" [ "$s" = 200 ]
read -r x y w h < <(jq -r '.instances[0].crop | map(tostring) | join(" ")' "$tmp/c.json")
jq -r '.instances[0].png' "$tmp/c.json" | base64 -d >"$tmp/crop.png"
check "the crop's PNG has the crop's size (${w}x${h} at $x,$y)" \
  [ "$(header "$tmp/crop.png" width)x$(header "$tmp/crop.png" height)" = "${w}x${h}" ]
check "the crop is smaller than the photo and inside it" \
  eval '[ $((x + w)) -le 1620 ] && [ $((y + h)) -le 1080 ] && [ $((w * h)) -lt $((1620 * 1080)) ]'
vips extract_area "$tmp/person-alpha.png" "$tmp/person-crop.png" "$x" "$y" "$w" "$h"
vips extract_band "$tmp/crop.png" "$tmp/crop-alpha.png" 3
check "its alpha is the whole PNG's in that rectangle" \
  [ "$(max_diff "$tmp/crop-alpha.png" "$tmp/person-crop.png")" = 0 ]
vips extract_area "$tmp/person-alpha.png" "$tmp/outside.png" 0 0 1620 "$y"
check "and the whole one is clear outside it (above: max $(vips max "$tmp/outside.png"))" \
  [ "$(vips max "$tmp/outside.png" | cut -d. -f1)" = 0 ]
s=$(post "$base/api/instances?class=dog" "$tmp/dog.json" -F "file=@$photo")
check "class=dog: 200, no instance ($s)" eval '[ "$s" = 200 ] && [ "$(jq ".instances|length" "$tmp/dog.json")" = 0 ]'

# --- subject on /api/remove ------------------------------------------------------------------------
s=$(post "$base/api/remove" "$tmp/subject.png" -F "file=@$photo" -F subject=person -F channels=alpha)
check "subject=person, channels=alpha: 200 ($s)" [ "$s" = 200 ]
expect 0 "$cutout" remove "$photo" --subject person --detector "$detector" --model "$model" \
  --mask -q -o "$tmp/cli-subject.png"
check "the same mask as cutout remove --subject person --mask" \
  [ "$(max_diff "$tmp/subject.png" "$tmp/cli-subject.png")" = 0 ]
check "and the same as the one instance's alpha" \
  [ "$(max_diff "$tmp/subject.png" "$tmp/person-alpha.png")" = 0 ]
s=$(post "$base/api/remove?subject=person" "$tmp/subject-rgba.png" -F "file=@$photo")
check "subject=person, RGBA: 200, opaque on the person, clear in the corner" \
  eval '[ "$s" = 200 ] && [ "$(alpha_at "$tmp/subject-rgba.png" $cx $cy)" = 255 ] &&
        [ "$(alpha_at "$tmp/subject-rgba.png" 1615 4)" = 0 ]'

# --- errors -------------------------------------------------------------------------------------
head -c 6000 "$photo" >"$tmp/truncated.jpg"
s=$(post "$base/api/remove" "$tmp/e1" -F "file=@$photo" -F subject=unicorn)
check "subject=unicorn: 400 bad_parameter ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e1" bad_parameter'
s=$(post "$base/api/instances?class=unicorn" "$tmp/e2" -F "file=@$photo")
check "class=unicorn: 400 bad_parameter ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e2" bad_parameter'
s=$(post "$base/api/instances" "$tmp/e3" -F "file=@$photo" -F min_score=2)
check "min_score=2: 400 bad_parameter ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e3" bad_parameter'
s=$(post "$base/api/instances" "$tmp/e4" --data-binary "@$tmp/truncated.jpg" -H 'Content-Type: image/jpeg')
check "a truncated JPEG: 400 damaged_image ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e4" damaged_image'
s=$(post "$base/api/instances" "$tmp/e5" --data-binary $'--b\r\nContent-Disposition: form-data; name="file"\r\n\r\nxx' \
  -H 'Content-Type: multipart/form-data; boundary=b')
check "a form cut short: 400 JSON ($s)" eval '[ "$s" = 400 ] && grep -q "^{\"error\":" "$tmp/e5"'
s=$(post "$base/api/instances" "$tmp/e6" -X POST)
check "no image: 400 no_image ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e6" no_image'

# --- without the detector -------------------------------------------------------------------------
s=$(post "$none/api/instances" "$tmp/n1" -F "file=@$photo")
check "no detector, /api/instances: 501 no_detector ($s)" \
  eval '[ "$s" = 501 ] && json_error "$tmp/n1" no_detector && grep -q centernet.json "$tmp/n1"'
s=$(post "$none/api/remove" "$tmp/n2" -F "file=@$photo" -F subject=person)
check "no detector, subject=person: 501 no_detector ($s)" \
  eval '[ "$s" = 501 ] && json_error "$tmp/n2" no_detector'
check "the request log has the instances" \
  grep -Eq '^127\.0\.0\.1 POST /api/instances 200 [0-9]+ [0-9]+ms$' "$tmp/det.err"
kill -TERM "$pid_det" "$pid_none"
wait "$pid_det" "$pid_none"
finish
