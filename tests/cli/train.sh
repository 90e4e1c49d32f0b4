# cutout train on a tiny synth set: each architecture trains, writes its checkpoint and an
# ONNX model; a run of 2 epochs and a run of 1 epoch resumed for a second give the same model
# (same seed, one thread); a checkpoint of another architecture, a missing folder and bad
# options fail with one line.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"

expect 0 "$cutout" synth --procedural-fg --procedural -n 12 --size 80x80 -o "$tmp/set" -q
small=(--batch 4 --crop 64 --base 4 --levels 2 --export-size 64 -t 1 -q)
for arch in encdec unet unet-gan; do
  expect 0 "$cutout" train --arch "$arch" --data "$tmp/set" -o "$tmp/$arch" --epochs 1 "${small[@]}"
  check "$arch: model.onnx and checkpoint.safetensors" \
    test -s "$tmp/$arch/model.onnx" -a -s "$tmp/$arch/checkpoint.safetensors"
done
# the refiner from masks (here the true alphas stand in for a network's): trains; a folder
# without them and the encoder-decoder with them are refused
cp -r "$tmp/set/alpha" "$tmp/masks"
expect 0 "$cutout" train --arch unet --data "$tmp/set" --masks "$tmp/masks" -o "$tmp/um" --epochs 1 "${small[@]}"
check "unet --masks: model.onnx" test -s "$tmp/um/model.onnx"
expect fail "$cutout" train --arch unet --data "$tmp/set" --masks "$tmp/set/image/none" -o "$tmp/x" "${small[@]}"
check "a missing mask is named" grep -q "none/000000.png" "$tmp/stderr"
expect fail "$cutout" train --arch encdec --data "$tmp/set" --masks "$tmp/masks" -o "$tmp/x" "${small[@]}"
expect 0 "$cutout" train --arch encdec --data "$tmp/set" -o "$tmp/two" --epochs 2 "${small[@]}"
expect 0 "$cutout" train --arch encdec --data "$tmp/set" -o "$tmp/one" --epochs 1 "${small[@]}"
expect 0 "$cutout" train --arch encdec --data "$tmp/set" -o "$tmp/one" --epochs 2 \
  --resume "$tmp/one/checkpoint.safetensors" "${small[@]}"
check "1 epoch + 1 resumed = 2 epochs (bitwise)" cmp -s "$tmp/one/model.onnx" "$tmp/two/model.onnx"
# the same with the U-Net, whose dropout draws go on from the checkpoint
expect 0 "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/utwo" --epochs 2 "${small[@]}"
expect 0 "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/uone" --epochs 1 "${small[@]}"
expect 0 "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/uone" --epochs 2 \
  --resume "$tmp/uone/checkpoint.safetensors" "${small[@]}"
check "unet: 1 epoch + 1 resumed = 2 epochs (bitwise)" cmp -s "$tmp/uone/model.onnx" "$tmp/utwo/model.onnx"
expect 0 "$cutout" train --arch encdec --data "$tmp/set" -o "$tmp/three" --epochs 2 --seed 9 "${small[@]}"
check "another seed, another model" test -n "$(cmp "$tmp/three/model.onnx" "$tmp/two/model.onnx" 2>&1)"
# the progress: one line per epoch with the held-out scores
expect 0 "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/p" --epochs 2 --batch 4 --crop 64 \
  --base 4 --levels 2 --export-size 64 -t 1
check "a line per epoch with held-out SAD" test "$(grep -c 'held-out SAD' "$tmp/stderr")" = 2

expect fail "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/x" --epochs 2 \
  --resume "$tmp/encdec/checkpoint.safetensors" "${small[@]}"
expect fail "$cutout" train --arch unet --data "$tmp/missing" -o "$tmp/x" "${small[@]}"
expect fail "$cutout" train --arch cnn --data "$tmp/set" -o "$tmp/x"
expect fail "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/x" --optimizer lbfgs
expect fail "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/x" --crop 60 --levels 3
expect fail "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/x" --batch 64
expect fail "$cutout" train --arch unet --data "$tmp/set"
printf 'not a checkpoint' >"$tmp/junk.safetensors"
expect fail "$cutout" train --arch unet --data "$tmp/set" -o "$tmp/x" --resume "$tmp/junk.safetensors" "${small[@]}"
check "no model from the failures" test ! -e "$tmp/x/model.onnx"

# the trained U-Net as the tile refiner of remove: only the trimap's unknown pixels change
model=${CUTOUT_SOURCE_DIR:-.}/models/isnet-fp16.onnx
photo=${CUTOUT_SOURCE_DIR:-.}/examples/portrait-curls.jpg
if [ -f "$model" ] && [ -f "$photo" ]; then
  expect 0 "$cutout" remove "$photo" -m "$model" --mask --fast -o "$tmp/plain.png" -q
  expect 0 "$cutout" remove "$photo" -m "$model" --mask --fast --refiner "$tmp/unet/model.onnx" -o "$tmp/refined.png" -q
  expect 0 "$cutout" trimap "$photo" --mask "$tmp/plain.png" -o "$tmp/tri.png" -q
  vips subtract "$tmp/refined.png" "$tmp/plain.png" "$tmp/d.v" && vips abs "$tmp/d.v" "$tmp/da.v" &&
    vips relational_const "$tmp/tri.png" "$tmp/sure.v" noteq 128 &&
    vips boolean "$tmp/da.v" "$tmp/sure.v" "$tmp/ds.v" and
  check "the refiner changed the band" test "$(vips max "$tmp/da.v" | cut -d. -f1)" -gt 0
  check "sure pixels are left as they were" test "$(vips max "$tmp/ds.v" | cut -d. -f1)" = 0
  # batch workers share one refiner: each of four photos gets the single run's mask
  mkdir -p "$tmp/four"
  for k in 1 2 3 4; do cp "$photo" "$tmp/four/p$k.jpg"; done
  expect 0 "$cutout" batch "$tmp/four" -o "$tmp/four-out" -j 2 -m "$model" --mask --fast \
    --refiner "$tmp/unet/model.onnx" -q
  for k in 1 2 3 4; do
    vips subtract "$tmp/four-out/p$k.png" "$tmp/refined.png" "$tmp/dk.v" &&
      vips abs "$tmp/dk.v" "$tmp/dka.v"
    check "shared refiner, photo $k: no pixel differs" \
      test "$(vips max "$tmp/dka.v" | cut -d. -f1)" = 0
  done
  expect fail "$cutout" remove "$photo" -m "$model" --refiner "$tmp/encdec/model.onnx" -o "$tmp/bad.png"
  expect fail "$cutout" remove "$photo" -m "$model" --refiner "$tmp/set/manifest.jsonl" -o "$tmp/bad.png"
  check "no output from a bad refiner" test ! -e "$tmp/bad.png"
else
  echo "skipped the refiner checks: no model at $model"
fi
finish
