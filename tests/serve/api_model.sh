#!/usr/bin/env bash
# cutout serve with the real model, driven with curl: uploads (multipart and raw), the mask,
# JSON errors and their status codes, the limits, the queue (503), /healthz, the request log
# and a graceful stop with a request in flight.
#   api_model.sh path/to/cutout
set -u
cutout=$1
src=${CUTOUT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
model=$src/models/isnet-fp16.onnx
photo=$src/examples/portrait-curls.jpg
for f in "$model" "$photo"; do
  [ -f "$f" ] || { echo "SKIP: $f is missing"; exit 77; }
done
for c in curl vips vipsheader; do
  command -v $c >/dev/null || { echo "SKIP: $c is not installed"; exit 77; }
done
. "$(dirname "$0")/../cli/lib.sh"
. "$(dirname "$0")/serve_lib.sh"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"' EXIT

# --- the command line ----------------------------------------------------------------------------
expect 0 "$cutout" s --help
expect fail "$cutout" serve --port 70000
expect fail "$cutout" serve --jobs 0
expect fail "$cutout" serve --queue -1
expect fail "$cutout" serve --max-body 12Q
expect fail "$cutout" serve --threads
expect fail "$cutout" serve --model "$tmp/no-such-model.onnx"
expect fail "$cutout" serve --host not-an-address.invalid --port 0 --model "$model"

vips thumbnail "$photo" "$tmp/small.jpg" 320 || { echo "FAIL: cannot make the small photo"; exit 1; }
head -c 6000 "$photo" >"$tmp/truncated.jpg" # its header says 1620x1080; the data stops early

start_server main
start_server tight --jobs 1 --queue 0 --max-body 100k --max-pixels 1000000
api=http://127.0.0.1:$port_main/api/remove
expect fail "$cutout" serve --port "$port_main" --model "$model" # the port is taken
tight=http://127.0.0.1:$port_tight/api/remove

# --- images -----------------------------------------------------------------------------------
s=$(post "$api" "$tmp/form.png" -F "file=@$photo")
check "multipart upload: 200 ($s)" [ "$s" = 200 ]
check "multipart: an RGBA PNG of the photo's size" \
  [ "$(header "$tmp/form.png" width)x$(header "$tmp/form.png" height)x$(header "$tmp/form.png" bands)" = 1620x1080x4 ]
check "multipart: Content-Type image/png" grep -qi '^content-type: image/png' "$tmp/form.png.h"
s=$(post "$api" "$tmp/raw.png" --data-binary "@$photo" -H 'Content-Type: image/jpeg')
check "raw body: 200 ($s)" [ "$s" = 200 ]
check "raw body and multipart give the same PNG" cmp -s "$tmp/raw.png" "$tmp/form.png"
vips extract_band "$tmp/form.png" "$tmp/alpha.v" 3
check "the alpha has transparent and opaque parts" \
  [ "$(vips min "$tmp/alpha.v" | cut -d. -f1)-$(vips max "$tmp/alpha.v" | cut -d. -f1)" = 0-255 ]

s=$(post "$api?channels=alpha" "$tmp/mask.png" -F "file=@$photo")
check "channels=alpha: 200 ($s)" [ "$s" = 200 ]
check "channels=alpha: one band of the photo's size" \
  [ "$(header "$tmp/mask.png" width)x$(header "$tmp/mask.png" height)x$(header "$tmp/mask.png" bands)" = 1620x1080x1 ]
vips subtract "$tmp/mask.png" "$tmp/alpha.v" "$tmp/diff.v" && vips abs "$tmp/diff.v" "$tmp/adiff.v"
check "the mask is the cutout's alpha" [ "$(vips max "$tmp/adiff.v" | cut -d. -f1)" = 0 ]

s=$(post "$api" "$tmp/bg.jpg" -F "file=@$tmp/small.jpg" -F bg_color=00ff00 -F format=jpg)
check "bg_color + format=jpg: 200 ($s)" [ "$s" = 200 ]
check "bg_color + format=jpg: an RGB JPEG" \
  [ "$(header "$tmp/bg.jpg" bands)$(grep -ci '^content-type: image/jpeg' "$tmp/bg.jpg.h")" = 31 ]

# --- errors -------------------------------------------------------------------------------------
s=$(post "$api?format=gif" "$tmp/e1" -F "file=@$tmp/small.jpg")
check "bad format: 400 JSON bad_parameter ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e1" bad_parameter'
s=$(post "$api" "$tmp/e2" -F "file=@$tmp/small.jpg" -F colour=red)
check "unknown field: 400 JSON bad_parameter ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e2" bad_parameter'
s=$(post "$api" "$tmp/e3" -F "file=@$src/README.md")
check "a text file: 415 JSON unsupported_image ($s)" eval '[ "$s" = 415 ] && json_error "$tmp/e3" unsupported_image'
s=$(post "$api" "$tmp/e4" --data-binary "@$src/README.md" -H 'Content-Type: text/markdown')
check "a text body: 415 JSON unsupported_media_type ($s)" \
  eval '[ "$s" = 415 ] && json_error "$tmp/e4" unsupported_media_type'
s=$(post "$api" "$tmp/e5" --data-binary "@$tmp/truncated.jpg" -H 'Content-Type: image/jpeg')
check "a truncated JPEG: 400 JSON damaged_image ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e5" damaged_image'
s=$(post "$api" "$tmp/e6" -X POST)
check "no image: 400 JSON no_image ($s)" eval '[ "$s" = 400 ] && json_error "$tmp/e6" no_image'
s=$(post "$tight" "$tmp/e7" -H 'Expect:' --data-binary "@$photo" -H 'Content-Type: image/jpeg')
check "a body over --max-body: 413 JSON body_too_large ($s)" \
  eval '[ "$s" = 413 ] && json_error "$tmp/e7" body_too_large'
s=$(post "$tight" "$tmp/e8" --data-binary "@$tmp/truncated.jpg" -H 'Content-Type: image/jpeg')
check "over --max-pixels, read from the header alone: 422 JSON image_too_large ($s)" \
  eval '[ "$s" = 422 ] && json_error "$tmp/e8" image_too_large && grep -q 1620x1080 "$tmp/e8"'
s=$(curl -s -o "$tmp/e9" -w '%{http_code}' "http://127.0.0.1:$port_main/no/such/page")
check "unknown path: 404 JSON not_found ($s)" eval '[ "$s" = 404 ] && json_error "$tmp/e9" not_found'
s=$(curl -s -o "$tmp/e10" -w '%{http_code}' "$api")
check "GET /api/remove: 405 ($s)" eval '[ "$s" = 405 ] && json_error "$tmp/e10" method_not_allowed'

# --- health and page ----------------------------------------------------------------------------
s=$(curl -s -o "$tmp/health" -w '%{http_code}' "http://127.0.0.1:$port_main/healthz")
check "GET /healthz: 200 ($s)" [ "$s" = 200 ]
check "healthz: ok, model, jobs, uptime" \
  grep -q '^{"ok":true,"model":"isnet-fp16.onnx",.*"uptime_s":.*"jobs":{"running":0,"waiting":0,"in_progress":0,"limit":18}}$' "$tmp/health"
s=$(curl -s -o "$tmp/index" -w '%{http_code}' "http://127.0.0.1:$port_main/")
check "GET /: the page ($s)" eval '[ "$s" = 200 ] && grep -q "<title>cutout" "$tmp/index"'

# --- the queue: one job, no waiting room ------------------------------------------------------------
clients=()
for i in 1 2 3 4; do
  { post "$tight" "$tmp/q$i" -F "file=@$tmp/small.jpg"; echo; } >"$tmp/q$i.status" &
  clients+=($!)
done
wait "${clients[@]}"
statuses=$(cat "$tmp"/q?.status | sort | tr '\n' ' ')
check "4 at once with --jobs 1 --queue 0: 200s and 503s only ($statuses)" \
  eval '! cat "$tmp"/q?.status | grep -qv "^\(200\|503\)$"'
check "at least one answered, at least one refused" \
  eval 'grep -q 200 "$tmp"/q?.status && grep -q 503 "$tmp"/q?.status'
for i in 1 2 3 4; do
  if [ "$(cat "$tmp/q$i.status")" = 503 ]; then
    check "503 has Retry-After and a JSON queue_full body" \
      eval 'grep -qi "^retry-after: [1-9]" "$tmp/q$i.h" && json_error "$tmp/q$i" queue_full'
    break
  fi
done

# --- request log ----------------------------------------------------------------------------------
check "request log lines: method, path, status, bytes, time" \
  grep -Eq '^127\.0\.0\.1 POST /api/remove 200 [0-9]+ [0-9]+ms$' "$tmp/main.err"
check "log line of an error" grep -Eq '^127\.0\.0\.1 GET /no/such/page 404 [0-9]+ [0-9]+ms$' "$tmp/main.err"

# --- graceful stop: a request in flight is answered -------------------------------------------------
post "$api" "$tmp/last.png" -F "file=@$photo" >"$tmp/last.status" &
curl_pid=$!
for _ in $(seq 1 100); do # until the request is in progress
  curl -s "http://127.0.0.1:$port_main/healthz" | grep -q '"in_progress":1' && break
  sleep 0.05
done
kill -TERM "$pid_main"
wait "$curl_pid"
rc=0
wait "$pid_main" || rc=$?
check "SIGTERM with a request in flight: it is answered ($(cat "$tmp/last.status"))" \
  [ "$(cat "$tmp/last.status")" = 200 ]
check "the server then exits 0 ($rc)" [ "$rc" = 0 ]
check "it says it stopped" grep -q 'cutout serve: stopped' "$tmp/main.err"
kill -TERM "$pid_tight"
wait "$pid_tight"
finish
