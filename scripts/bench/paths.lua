-- wrk: request a random path from the file named by PATHS (one path per line; an optional
-- tab-separated ETag after it is sent as If-None-Match when REVALIDATE=1).
local paths, etags = {}, {}
local revalidate = os.getenv("REVALIDATE") == "1"
for line in io.lines(os.getenv("PATHS")) do
  local path, etag = line:match("^([^\t]+)\t?(.*)$")
  paths[#paths + 1] = path
  etags[#etags + 1] = etag
end
math.randomseed(os.time())
request = function()
  local i = math.random(#paths)
  if revalidate and etags[i] ~= "" then
    return wrk.format("GET", paths[i], { ["If-None-Match"] = etags[i] })
  end
  return wrk.format("GET", paths[i])
end
