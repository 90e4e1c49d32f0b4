# Bad input of every kind gets one clear line and a non-zero exit, never a crash, and the
# user's files are never overwritten.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
src=${CUTOUT_SOURCE_DIR:-.}
photo=$src/examples/portrait-curls.jpg

expect fail "$cutout"
expect fail "$cutout" frobnicate
expect fail "$cutout" remove
expect fail "$cutout" remove --threads zero "$photo"
expect fail "$cutout" remove --no-such-option "$photo"
expect fail "$cutout" remove "$tmp/missing.jpg" -o "$tmp/out.png"

echo "this is not an image" > "$tmp/text.jpg"
expect fail "$cutout" remove "$tmp/text.jpg" -o "$tmp/out.png"
head -c 20000 "$photo" > "$tmp/truncated.jpg"
expect fail "$cutout" remove "$tmp/truncated.jpg" -o "$tmp/out.png"

head -c 5000 /dev/urandom > "$tmp/random.onnx"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --model "$tmp/random.onnx"
: > "$tmp/empty.onnx"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --model "$tmp/empty.onnx"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --model "$tmp/no-such-model.onnx"
if [ -f "$src/models/isnet-fp16.onnx" ]; then
  head -c 3000000 "$src/models/isnet-fp16.onnx" > "$tmp/cut-short.onnx"
  expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --model "$tmp/cut-short.onnx"
fi
# A decompression bomb: a 300 KB PNG that declares 320 megapixels is refused from its header,
# in well under the memory it would take (checked below 200 MB peak).
vips black "$tmp/bomb.png" 20000 16000
expect fail /usr/bin/time -f "%M" -o "$tmp/rss" "$cutout" remove "$tmp/bomb.png" -o "$tmp/out.png"
check "the pixel count is the reason" grep -q "over the limit of" "$tmp/stderr"
rss=$(tail -n 1 "$tmp/rss")
check "refused before decoding (peak RSS $rss KB)" test "$rss" -lt 200000
# A 20-byte PBM declaring 1 x 3967356 pixels (under the pixel limit, but a side no photo
# has): refused from its header, where decoding it took 16 s.
expect fail "$cutout" remove "$src/fuzz/regress/mask/tall-1x3967356-pbm" -o "$tmp/out.png"
check "the side is the reason" grep -q "a side over" "$tmp/stderr"
# A PNM header of no pixels: said so, without the warnings libvips' loader would print.
printf 'P5\n0 1\n255\n' > "$tmp/empty.pgm"
expect fail "$cutout" remove "$tmp/empty.pgm" -o "$tmp/out.png"
check "no pixels is the reason" grep -q "has no pixels" "$tmp/stderr"
check "no GLib warnings" test "$(grep -c WARNING "$tmp/stderr")" = 0
# A model file past what protobuf can hold (a sparse 3 GB file): refused before it is read.
truncate -s 3G "$tmp/huge.onnx"
expect fail "$cutout" remove "$photo" -o "$tmp/out.png" --model "$tmp/huge.onnx"
check "the size is the reason" grep -q "more than a protobuf file can hold" "$tmp/stderr"
check "no output written by the failures above" test ! -e "$tmp/out.png"

# The input is never overwritten, whichever way the output names it.
cp "$photo" "$tmp/photo.jpg"
sum=$(sha256sum < "$tmp/photo.jpg")
expect fail "$cutout" remove "$tmp/photo.jpg" -o "$tmp/photo.jpg"
expect fail "$cutout" remove "$tmp/photo.jpg" -o "$tmp/../$(basename "$tmp")/photo.jpg"
ln -s "$tmp/photo.jpg" "$tmp/link.jpg"
expect fail "$cutout" i "$tmp/photo.jpg" "$tmp/link.jpg"
check "the input is unchanged" test "$(sha256sum < "$tmp/photo.jpg")" = "$sum"

# An output that cannot be written: the folder is missing.
if [ -f "$src/models/isnet-fp16.onnx" ]; then
  expect fail "$cutout" remove "$photo" -o "$tmp/no/such/folder/out.png" -q
  expect fail "$cutout" remove "$photo" -o "$tmp/out.unknownformat" -q
  # A folder nobody may write into (even root cannot create files in /proc).
  expect fail "$cutout" remove "$photo" -o /proc/cutout-test.png -q
  # A full disk, simulated by a file-size limit of 100 KB: a clean error, no temporary file
  # left behind, and the file already there (the user's) unchanged.
  mkdir "$tmp/full"
  echo "the user's file" > "$tmp/full/out.png"
  before=$(sha256sum < "$tmp/full/out.png")
  expect fail bash -c 'ulimit -f 100; exec "$@"' - "$cutout" remove "$photo" -o "$tmp/full/out.png" -q
  check "the earlier file is unchanged" test "$(sha256sum < "$tmp/full/out.png")" = "$before"
  check "no temporary file left" test "$(ls -A "$tmp/full")" = "out.png"
fi
finish
