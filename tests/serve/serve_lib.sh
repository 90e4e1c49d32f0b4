# Helpers for the service's script tests (after tests/cli/lib.sh; with cutout, model and an
# array pids of the servers started, which the caller's trap stops).

# start_server NAME ARGS...: runs cutout serve on a free port; sets port_NAME and pid_NAME
start_server() {
  local name=$1; shift
  "$cutout" serve --port 0 --model "$model" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  local pid=$!
  pids+=("$pid")
  local port=
  for _ in $(seq 1 300); do
    port=$(sed -n 's|.*listening on http://[^ ]*:\([0-9][0-9]*\)/.*|\1|p' "$tmp/$name.out")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "FAIL: server $name did not start"; cat "$tmp/$name.err"; exit 1
  fi
  eval "port_$name=$port; pid_$name=$pid"
}

# post URL OUT ARGS...: prints the status; the body goes to OUT, the headers to OUT.h
post() {
  local url=$1 out=$2; shift 2
  curl -s -o "$out" -D "$out.h" -w '%{http_code}' "$@" "$url"
}

json_error() { # json_error FILE CODE: a JSON error body with that code
  grep -q "^{\"error\":{\"code\":\"$2\",\"message\":\"[^\"]" "$1"
}

header() { vipsheader -f "$2" "$1" 2>/dev/null; }
