# cutout synth and cutout eval driven as a user would: a small set, its self-evaluation
# (perfect scores), the output formats, regeneration of one sample, errors, and (when the
# model is present) the pipeline evaluation of one image.
set -u
cutout=$1
. "$(dirname "$0")/../cli/lib.sh"
src=${CUTOUT_SOURCE_DIR:-.}
cd "$tmp"

expect 0 "$cutout" synth --procedural-fg --procedural -n 3 -o set --size 128x96 --seed 3 --band 5 -q
for part in image/000002.png alpha/000002.png trimap/000002.png fg/000002.png manifest.jsonl; do
  check "set has $part" test -s "set/$part"
done
check "three manifest lines" test "$(wc -l < set/manifest.jsonl)" = 3
check "alpha is greyscale" test "$(vipsheader -f bands set/alpha/000000.png)" = 1
check "image is 128 wide" test "$(vipsheader -f width set/image/000000.png)" = 128
vips hist_find set/trimap/000001.png hist.v && vips csvsave hist.v hist.csv
check "trimap holds 0/128/255 only" test "$(awk -F'\t' '{ for (i = 1; i <= NF; i++)
  if ($i > 0 && i != 1 && i != 129 && i != 256) bad++ } END { print bad + 0 }' hist.csv)" = 0
check "trimap has an unknown band" test "$(awk -F'\t' '{ print $129 }' hist.csv)" -gt 0

expect 0 "$cutout" synth --procedural-fg --procedural --start 1 -n 1 -o one --size 128x96 --seed 3 --band 5 -q
check "sample 1 regenerates alone (image)" cmp -s one/image/000001.png set/image/000001.png
check "sample 1 regenerates alone (alpha)" cmp -s one/alpha/000001.png set/alpha/000001.png
check "same manifest line" test "$(cat one/manifest.jsonl)" = "$(sed -n 2p set/manifest.jsonl)"

expect 0 "$cutout" eval --pred set/alpha --gt set/alpha --trimap set/trimap --csv
check "csv: header, 3 rows, mean" test "$(wc -l < "$tmp/stdout")" = 5
check "ground truth scores perfectly" \
  grep -q '^mean,0.000000,0.00000000,0.000000,0.000000,1.000000,1.000000,' "$tmp/stdout"
expect 0 "$cutout" eval --pred set/trimap --gt set/alpha --json
check "json counts 3 images" grep -q '"count":	3' "$tmp/stdout"
check "json has a mean" grep -q '"mean":' "$tmp/stdout"
expect 0 "$cutout" eval --pred set/trimap --gt set/alpha
check "table ends with the mean" grep -q '^mean ' "$tmp/stdout"
check "trimap as prediction is not perfect" bash -c "! grep -q '^mean  *0.0000 ' '$tmp/stdout'"

mkdir empty
expect fail "$cutout" synth --procedural-fg --procedural -n 2
expect fail "$cutout" synth --procedural -n 2 -o x
expect fail "$cutout" synth --fg empty --procedural -n 1 -o x
expect fail "$cutout" synth --procedural-fg --procedural -n 0 -o x
expect fail "$cutout" synth --procedural-fg --procedural -n 1 -o x --size 10
expect fail "$cutout" eval --pred set/alpha
expect fail "$cutout" eval --pred empty --gt set/alpha
expect fail "$cutout" eval --pred set/alpha --gt empty
expect fail "$cutout" eval --pipeline --set empty --model "$src/models/isnet-fp16.onnx"

if [ -f "$src/models/isnet-fp16.onnx" ]; then
  mkdir pred
  expect 0 "$cutout" eval --pipeline --set set --limit 1 --save-pred pred -q --csv \
    --model "$src/models/isnet-fp16.onnx"
  check "one row and the mean" test "$(wc -l < "$tmp/stdout")" = 3
  check "timed" grep -q ',seconds$' "$tmp/stdout"
  check "prediction saved" test "$(vipsheader -f bands pred/000000.png)" = 1
else
  echo "note: model absent, pipeline evaluation not tried"
fi
finish
