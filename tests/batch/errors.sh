# cutout batch without the network: bad usage gets one clear line and status 2, unusable
# folders are refused before anything is written, a model that cannot load stops the run
# with status 1, and a run whose outputs are all complete skips them all without loading
# the model (with the progress bar on a terminal).
set -u
cutout=$(realpath "$1")
. "$(dirname "$0")/../cli/lib.sh"
cd "$tmp"
mkdir -p in/sub
vips black in/a.png 30 20 --bands 3 && vips black in/sub/b.png 20 10 --bands 3
echo "not a model" > junk.onnx
m="--model $tmp/junk.onnx"

expect fail "$cutout" batch
expect fail "$cutout" batch in
expect fail "$cutout" batch -o out
expect fail "$cutout" p in
expect fail "$cutout" batch in -o out --shard 0/4 $m
expect fail "$cutout" batch in -o out --shard 5/4 $m
expect fail "$cutout" batch in -o out --shard 1 $m
expect fail "$cutout" batch in -o out --shards 3 $m
expect fail "$cutout" batch in -o out --format gif $m
expect fail "$cutout" batch in -o out --format jpg $m
expect fail "$cutout" batch in -o out -j 0 $m
expect fail "$cutout" batch in -o out --frobnicate $m
expect fail "$cutout" batch in -o out --tile -3 $m
expect fail "$cutout" batch in -o out --mask --bg-color 1,2,3 $m
expect fail "$cutout" batch in -o out --model "$tmp/no-such.onnx"
expect fail "$cutout" batch in out other $m
expect fail "$cutout" batch in -o in $m
expect fail "$cutout" batch in -o in/ $m
expect fail "$cutout" batch in/sub -o in $m
expect fail "$cutout" batch in/a.png -o out $m
expect fail "$cutout" batch missing -o out $m
expect fail "$cutout" batch --list missing.txt -o out $m
JOB_COMPLETION_INDEX=1 expect fail "$cutout" batch in -o out $m
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=2 expect fail "$cutout" batch in -o out $m
check "nothing written by the refusals" test ! -e out -a "$(find in -type f | wc -l)" = 2
expect 0 "$cutout" batch --help
check "help names the shards' variables" grep -q JOB_COMPLETION_INDEX "$tmp/stdout"

# A model that cannot be loaded: the run stops at once, status 1, the reason said.
expect 1 "$cutout" batch in -o out $m
check "the reason" grep -q "^stopped: .*junk.onnx" "$tmp/stderr"
check "no output" test -z "$(find out -type f)"

# Complete outputs (the right size, 4 channels) are skipped; the junk model is never loaded.
mkdir -p out/sub
vips bandjoin_const in/a.png out/a.png 255 && vips bandjoin_const in/sub/b.png out/sub/b.png 255
before=$(stat -c %Y.%i out/a.png out/sub/b.png)
expect 0 "$cutout" batch in -o out $m
check "both skipped" grep -q "2 images: 0 done, 2 skipped" "$tmp/stderr"
check "outputs untouched" test "$(stat -c %Y.%i out/a.png out/sub/b.png)" = "$before"
# On a terminal: the progress bar, redrawn in place (carriage returns).
script -qec "'$cutout' p in out $m" /dev/null > tty.txt
check "progress bar on a terminal" grep -q "2/2 \[#*\] 100%" tty.txt
check "redrawn in place" grep -qP '\r(?!\n)' tty.txt
# Shards from the environment: a Kubernetes index with the count from CUTOUT_SHARDS.
JOB_COMPLETION_INDEX=0 CUTOUT_SHARDS=2 expect 0 "$cutout" batch in -o out $m
check "a shard from JOB_COMPLETION_INDEX" grep -q "shard 1/2, from JOB_COMPLETION_INDEX=0" "$tmp/stderr"
# A wrong-size output is redone, which needs the model: it fails to load, status 1.
vips bandjoin_const in/sub/b.png out/a.png 255
expect 1 "$cutout" batch in -o out $m
check "the wrong-size output was not skipped" grep -q "stopped: " "$tmp/stderr"
check "and was left as it was" test "$(vipsheader -f width out/a.png)" = 20
finish
