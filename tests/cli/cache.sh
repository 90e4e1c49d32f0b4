# The prepared-model cache as a user meets it: the first run keeps a file in
# $CUTOUT_CACHE_DIR, the next runs use it and give the same mask, a damaged file is prepared
# again (never trusted), --no-cache and an unwritable folder still give the same mask.
set -u
cutout=$1
. "$(dirname "$0")/lib.sh"
needs_model
cache=$tmp/cache
run() { # run <name> [args...]: the mask of the example into $tmp/<name>.png
  local name=$1; shift
  expect 0 env CUTOUT_CACHE_DIR="$cache" "$cutout" remove "$photo" --mask -o "$tmp/$name.png" \
    --model "$model" "$@"
  cp "$tmp/stdout" "$tmp/$name.out"
}
same() { cmp -s "$tmp/$1.png" "$tmp/$2.png"; }

run first
check "the first run prepares and keeps the model" grep -q "prepared, kept in" "$tmp/first.out"
files=("$cache"/*.prepared)
check "one prepared file in the cache folder" test "${#files[@]}" -eq 1 -a -s "${files[0]}"
prepared=${files[0]}

run second
check "the second run loads it from the cache" grep -q "from the cache" "$tmp/second.out"
check "the same mask from the cache" same first second

# A damaged file: bytes in the middle of the weights changed, its size kept.
size=$(stat -c %s "$prepared")
printf 'damaged!' | dd of="$prepared" bs=1 seek=$((size / 2)) conv=notrunc status=none
run damaged
check "a damaged file is prepared again" grep -q "prepared again" "$tmp/damaged.out"
check "the same mask after a damaged file" same first damaged
run repaired
check "and replaced by a good one" grep -q "from the cache" "$tmp/repaired.out"

# A truncated file.
truncate -s $((size / 3)) "$prepared"
run truncated
check "a truncated file is prepared again" grep -q "prepared again" "$tmp/truncated.out"
check "the same mask after a truncated file" same first truncated

run nocache --no-cache
check "--no-cache prepares without the cache" grep -q "no cache" "$tmp/nocache.out"
check "the same mask with --no-cache" same first nocache

if [ "$(id -u)" -ne 0 ]; then # root writes anywhere
  mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
  cache=$tmp/ro
  run readonly
  check "an unwritable folder: the model is prepared, not cached" \
    grep -q "not cached" "$tmp/readonly.out"
  check "the same mask with an unwritable cache folder" same first readonly
fi

# A cache path that is a file, not a folder.
: > "$tmp/plainfile"
cache=$tmp/plainfile
run notfolder
check "a cache path that is a file: the run still works" same first notfolder
finish
