-- wrk script of the benchmark: stops each thread after a bounded number of requests
-- (the first script argument; 0 for no bound) and prints the results as one JSON line.
-- With a second argument, a path holding {random_day}, each request asks for that path
-- with a different day (YYYY-MM-DD, from 2013-01-01 to today), so nothing kept answers.
-- A second argument @FILE names a file of paths, one a line (bench/draws.py): the
-- threads (as many as the third argument) take its lines in turn, each its own share,
-- so that no two requests ask for the same path until the file is used up.
-- wrk waits out its whole duration even when every thread has stopped, so the elapsed
-- time is then taken from the threads' own clocks.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local now_ts = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, now_ts)
  return tonumber(now_ts.tv_sec) * 1000000 + tonumber(now_ts.tv_nsec) / 1000
end

local threads = {}
local limit = 0
local sent = 0
local request_text = nil
local template = nil
local paths = nil
local next_path = 1
local stride = 1
local first_day = os.time({year = 2013, month = 1, day = 1, hour = 12})
started_us = nil
stopped_us = nil

function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", #threads)
end

function init(args)
  limit = tonumber(args[1]) or 0
  template = args[2]
  if template and template:sub(1, 1) == "@" then
    paths = {}
    for line in io.lines(template:sub(2)) do
      if line ~= "" then table.insert(paths, line) end
    end
    stride = tonumber(args[3]) or 1
    next_path = seed or 1
    template = nil
  elseif template == "" then
    template = nil
  end
  math.randomseed(os.time() * 100 + (seed or 0))
  request_text = wrk.format()
end

local function random_day()
  return os.date("%Y-%m-%d", first_day + math.random(0, os.time() - first_day))
end

function request()
  if started_us == nil then
    started_us = now_us()
  end
  sent = sent + 1
  if limit > 0 and sent > limit and stopped_us == nil then
    stopped_us = now_us()
    wrk.thread:stop()
  end
  if paths then
    local path = paths[(next_path - 1) % #paths + 1]
    next_path = next_path + stride
    return wrk.format(nil, (path:gsub("{random_day}", random_day())))
  end
  if template then
    return wrk.format(nil, (template:gsub("{random_day}", random_day())))
  end
  return request_text
end

function done(summary, latency, requests)
  local duration = summary.duration
  local first, last, stopped = nil, 0, false
  for _, thread in ipairs(threads) do
    local started, ended = thread:get("started_us"), thread:get("stopped_us")
    if started and (first == nil or started < first) then first = started end
    if ended then
      stopped = true
      if ended > last then last = ended end
    end
  end
  if stopped and first then duration = last - first end
  local errors = summary.errors
  io.write(string.format(
    'WRK_JSON {"duration_us": %d, "requests": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "status_errors": %d, "timeouts": %d, ' ..
    '"latency_mean_us": %.1f, "latency_max_us": %d, "p50_us": %d, "p90_us": %d, ' ..
    '"p99_us": %d, "stopped_by_limit": %s}\n',
    duration, summary.requests, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    tostring(stopped)))
end
