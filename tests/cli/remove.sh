# cutout remove / cutout i on the example photo: an RGBA PNG (or WebP, or a greyscale
# mask) of the photo's size.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
needs_model
cd "$tmp"
cp "$photo" photo.jpg
expect 0 "$cutout" remove photo.jpg -o out.png --model "$src/models/isnet-fp16.onnx"
check "RGBA PNG" test "$(vipsheader -f bands out.png)" = 4
check "same width as the photo" test "$(vipsheader -f width out.png)" = 1620
check "same height as the photo" test "$(vipsheader -f height out.png)" = 1080
# The alpha separates: some pixels opaque, some transparent, the corner is background.
check "transparent corner" test "$(vips getpoint out.png 5 5 | awk '{print $4}')" = 0
check "opaque subject (face)" test "$(vips getpoint out.png 750 500 | awk '{print $4}')" = 255

expect 0 "$cutout" i photo.jpg short.webp -q --model "$src/models/isnet-fp16.onnx"
check "WebP with alpha" test "$(vipsheader -f bands short.webp)" = 4
check "quiet prints nothing" test ! -s "$tmp/stdout"

expect 0 "$cutout" remove photo.jpg --mask -q --model "$src/models/isnet-fp16.onnx"
check "default output name" test -f photo.cutout.png
check "mask is greyscale" test "$(vipsheader -f bands photo.cutout.png)" = 1
finish
