-- wrk script of `make bench` (bench/wrk.py prepends a `plan` table to it).
--
--   plan = {method = "GET", paths = {"/a", "/b"}, headers = {Cookie = "..."},
--           body = nil or "field=value&submission_token=", token_prefix = "..."}
--
-- Each request takes the next path of the list (each thread starts elsewhere in it),
-- so a page is measured over many rows, not one cached row. With a body, each request
-- ends it with a fresh one-time token: the run's prefix, the thread and a counter.
-- Every answer's status is counted; done() prints machine-readable BENCH lines.

statuses = {}
id = 0
local counter = 0
local index = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  index = (id * 7919) % #plan.paths
end

function next_token()
  counter = counter + 1
  return string.format("%st%dx%d", plan.token_prefix or "", id, counter)
end

function request()
  index = index % #plan.paths + 1
  local body = nil
  if plan.body then
    body = plan.body .. next_token()
  end
  return wrk.format(plan.method, plan.paths[index], plan.headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "BENCH duration_us=%d requests=%d connect=%d read=%d write=%d timeout=%d status=%d p50_us=%d p99_us=%d\n",
    summary.duration, summary.requests, errors.connect, errors.read, errors.write,
    errors.timeout, errors.status, latency:percentile(50), latency:percentile(99)))
  local total = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
  end
  for status, n in pairs(total) do
    io.write(string.format("BENCH_STATUS %d %d\n", status, n))
  end
end
