-- The HTMX tick: a POST stating the wanted result, alternating studied / not studied.
local counter = 0
local slugs = {}

init = function(args)
  for slug in string.gmatch(os.getenv("BENCH_SLUGS") or "", "[^,]+") do
    table.insert(slugs, slug)
  end
end

request = function()
  counter = counter + 1
  local slug = slugs[(counter % #slugs) + 1]
  local body = "studied=" .. ((math.floor(counter / #slugs) % 2 == 0) and "1" or "0") .. "&next=/topics/ml-breadth/&page=topic:ml-breadth"
  return wrk.format("POST", "/questions/" .. slug .. "/studied/", nil, body)
end
