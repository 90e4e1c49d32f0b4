-- wrk script for bench/serve_load.sh: POSTs one image as the raw body to /api/remove; each
-- thread stops after a given number of answers and then creates the file MARKER.<id>, for
-- the shell script to end wrk (wrk itself waits out its duration); done() prints the answers
-- by status and the latency percentiles as lines "key value".
--   wrk -s serve_load.lua URL -- IMAGE REQUESTS_PER_THREAD MARKER

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "image/png"
  quota = tonumber(args[2])
  marker = args[3]
  answered = 0
  statuses = {}
end

function response(status, headers, body)
  answered = answered + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if answered == quota then
    wrk.thread:stop()
    local f = assert(io.open(marker .. "." .. id, "w"))
    f:close()
  end
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      totals[status] = (totals[status] or 0) + n
    end
  end
  for status, n in pairs(totals) do
    io.write(string.format("status %s %d\n", status, n))
  end
  local e = summary.errors
  io.write(string.format("socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("requests %d\n", summary.requests))
  io.write(string.format("seconds %.3f\n", summary.duration / 1e6))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("p%d %.3f\n", p, latency:percentile(p) / 1e6))
  end
  io.write(string.format("max %.3f\n", latency.max / 1e6))
end
