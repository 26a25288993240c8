-- wrk script with no per-request function: wrk formats each thread's request once, so the
-- client costs what plain wrk costs. Each thread sends one of the sessions given as arguments
-- (PHPSESSID values the mock backend issued), so the backend looks a session up every time.
local threads = 0

function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
end

function init(args)
  if #args > 0 then
    wrk.headers["Cookie"] = "PHPSESSID=" .. args[(index % #args) + 1]
  end
end
