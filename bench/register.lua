-- wrk script: register a new address on every request. Each thread numbers its own requests, and
-- the prefix differs between runs, so no address is ever taken twice.
local counter = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 100 + thread_number)
  prefix = string.format("%d-%d-%d", os.time(), thread_number, math.random(1000000000))
end

function request()
  counter = counter + 1
  local body = string.format('{"email": "new-%s-%d@example.com", "password": "bench-passphrase-2931"}', prefix, counter)
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
