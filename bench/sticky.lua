-- wrk script: every request belongs to one of 1000 sessions that already hold a route cookie,
-- so each proxy does its sticky lookup on every request. Arguments: COOKIE_NAME VALUE_PREFIX
-- [CONNECTION] (e.g. "ROUTEID .b" for Apache and the reference balancer, "SRV b" for HAProxy;
-- "close": a new connection for every request, which wrk opens when the server closes it).
local name, prefix, connection = "ROUTEID", ".b", "keep-alive"
local counter = 0
local cookies = {}

function init(args)
  if args[1] then name = args[1] end
  if args[2] then prefix = args[2] end
  if args[3] then connection = args[3] end
  for i = 0, 999 do
    cookies[i] = "PHPSESSID=s" .. i .. "; " .. name .. "=" .. prefix .. (i % 2 + 1)
  end
end

function request()
  local c = cookies[counter % 1000]
  counter = counter + 1
  return wrk.format("GET", "/app/page.php", { ["Cookie"] = c, ["Connection"] = connection })
end
