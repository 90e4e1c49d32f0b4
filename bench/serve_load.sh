#!/usr/bin/env bash
# Load on `cutout serve` over loopback with wrk: N requests (default 10,000) at C connections
# (default 8), each POSTing a small PNG (64x64, cut from the example photo) as the raw body.
# Every request runs the network at its full input size (1024x1024 for ISNet), so N requests
# take about N x the network's time (~0.6-0.8 s on a 2-core machine): 10,000 take hours;
# pass -n for a shorter run.
#
# The run has two phases, the first W requests (default 500) and the rest; between them and
# at the end, once the server is idle, its resident memory is read from /proc. Printed: the
# answers by status (503 = queue full, deliberate, counted apart from errors), the rate,
# latency percentiles of each phase, the RSS after the first phase and at the end, and their
# ratio (the target: within 5%).
#
#   bench/serve_load.sh [-n N] [-c C] [--warmup W] [--cutout PATH] [-- SERVER_OPTIONS...]
# e.g.  bench/serve_load.sh -n 1000            bench/serve_load.sh -- --jobs 1 --queue 2
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
n=10000
conns=8
warm=500
cutout=$root/build/cutout
server_opts=()
while (($#)); do
  case $1 in
    -n) n=$2; shift 2 ;;
    -c) conns=$2; shift 2 ;;
    --warmup) warm=$2; shift 2 ;;
    --cutout) cutout=$2; shift 2 ;;
    --) shift; server_opts=("$@"); break ;;
    -h | --help) sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "serve_load: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
for c in wrk curl vips; do
  command -v $c >/dev/null || { echo "serve_load: $c is not installed" >&2; exit 1; }
done
[[ -x $cutout ]] || { echo "serve_load: no program at $cutout (build it, or --cutout PATH)" >&2; exit 1; }
((warm < n)) || warm=$((n / 2))
threads=$((conns < 2 ? conns : 2))

tmp=$(mktemp -d)
pid=
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

img=$tmp/in.png
vips thumbnail "$root/examples/portrait-curls.jpg" "$img" 64 --height 64 --crop centre
"$cutout" serve --port 0 --quiet "${server_opts[@]}" >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$tmp/out")
  [[ -n $port ]] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[[ -n $port ]] || { echo "serve_load: the server did not start:" >&2; cat "$tmp/err" >&2; exit 1; }
base=http://127.0.0.1:$port

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$pid/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$pid/status"; }
# waits until the server has no request in progress (wrk abandons its last ones)
idle() {
  for _ in $(seq 1 1200); do
    curl -s "$base/healthz" | grep -q '"in_progress":0' && return 0
    sleep 0.25
  done
  echo "serve_load: the server stays busy" >&2
  exit 1
}
# phase NAME COUNT: COUNT requests; wrk's figures in $tmp/NAME
phase() {
  local per_thread=$((($2 + threads - 1) / threads)) marker=$tmp/$1.done
  wrk -t"$threads" -c"$conns" -d24h --timeout 300s -s "$here/serve_load.lua" "$base/api/remove" \
    -- "$img" "$per_thread" "$marker" >"$tmp/$1.wrk" &
  local wrk_pid=$!
  # each wrk thread marks its end; wrk then waits out -d unless interrupted (SIGINT ends it
  # with its summary)
  while (($(compgen -G "$marker.*" | wc -l) < threads)); do
    kill -0 "$wrk_pid" 2>/dev/null || break
    sleep 0.2
  done
  kill -INT "$wrk_pid" 2>/dev/null || true
  wait "$wrk_pid" || true
  grep -E '^(status|socket_errors|requests|seconds|p50|p90|p99|max) ' "$tmp/$1.wrk" >"$tmp/$1"
  idle
}
get() { awk -v k="$2" '$1 == k {print $2}' "$tmp/$1"; }
status_count() { awk -v s="$2" '$1 == "status" && $2 == s {print $3}' "$tmp/$1"; }

echo "cutout serve under load: $n requests, $conns connections ($threads wrk threads)," \
  "a 64x64 PNG each; server options: ${server_opts[*]:-(defaults)}"
echo "health: $(curl -s "$base/healthz")"
t0=$(date +%s.%N)
phase first "$warm"
rss_first=$(rss_kb)
echo "after the first $(get first requests) requests: RSS $((rss_first / 1024)) MB"
phase rest $((n - warm))
rss_end=$(rss_kb)
t1=$(date +%s.%N)

awk -v a="$(cat "$tmp/first")" -v b="$(cat "$tmp/rest")" -v rss1="$rss_first" -v rss2="$rss_end" \
  -v hwm="$(hwm_kb)" -v wall="$(echo "$t1 - $t0" | bc)" '
  function load(text, into,   lines, i, f, n) {
    n = split(text, lines, "\n")
    for (i = 1; i <= n; i++) {
      split(lines[i], f, " ")
      if (f[1] == "status") into["status " f[2]] += f[3]
      else into[f[1]] = f[2]
    }
  }
  BEGIN {
    load(a, A); load(b, B)
    req = A["requests"] + B["requests"]
    ok = A["status 200"] + B["status 200"]
    busy = A["status 503"] + B["status 503"]
    other = req - ok - busy
    sock = A["socket_errors"] + B["socket_errors"]
    secs = A["seconds"] + B["seconds"]
    printf "requests: %d answered: %d ok (200), %d refused as deliberate (503 queue full), " \
           "%d other statuses; %d socket errors\n", req, ok, busy, other, sock
    for (k in A) if (k ~ /^status / && k != "status 200" && k != "status 503")
      printf "  first phase: %s: %d\n", k, A[k]
    for (k in B) if (k ~ /^status / && k != "status 200" && k != "status 503")
      printf "  second phase: %s: %d\n", k, B[k]
    printf "rate: %.2f requests/s (%.0f s of load, %.0f s wall)\n", req / secs, secs, wall
    printf "latency, first %d: p50 %.2f s, p90 %.2f s, p99 %.2f s, max %.2f s\n",
           A["requests"], A["p50"], A["p90"], A["p99"], A["max"]
    printf "latency, other %d: p50 %.2f s, p90 %.2f s, p99 %.2f s, max %.2f s\n",
           B["requests"], B["p50"], B["p90"], B["p99"], B["max"]
    printf "server RSS: %.1f MB after the first %d requests, %.1f MB at the end " \
           "(peak %.1f MB); ratio end/first %.4f (target <= 1.05: %s)\n",
           rss1 / 1024, A["requests"], rss2 / 1024, hwm / 1024, rss2 / rss1,
           rss2 / rss1 <= 1.05 ? "met" : "NOT met"
  }'
