-- wrk script: POST the JSON body in the environment variable BODY. Each
-- "{n}" in it becomes a new 16-digit number on every request (a value that
-- changes from request to request); without one, the body is sent as is.
wrk.method = "POST"
wrk.body = os.getenv("BODY") or '{"name":"World"}'
wrk.headers["Content-Type"] = "application/json"

if wrk.body:find("{n}", 1, true) then
  local template = wrk.body
  local n = os.time() * 1000
  request = function()
    n = n + 1
    local body = template:gsub("{n}", string.format("%016d", n))
    return wrk.format(nil, nil, nil, body)
  end
end
