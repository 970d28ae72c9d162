-- Managed by pgsvc: the "hold" of every service.
-- While a role changes hands, a service can have no server that passes its check for a moment
-- (the old primary is out, the new one not yet in). HAProxy would close new connections at once;
-- this action makes them wait, up to the service's hold, for a server of any of the listed
-- backends to come up, so the client sees latency instead of an error.
core.register_action("pgsvc_hold", { "tcp-req" }, function(txn, limit, backends)
  local function now_ms()
    local t = core.now()
    return t.sec * 1000 + t.usec // 1000
  end
  -- A worker that a reload is stopping counts no server in any backend, yet still forwards the
  -- connections it holds: those must not wait out the hold.
  local function stopping()
    local s = txn.f:stopping()
    return s == true or s == 1
  end
  local deadline = now_ms() + tonumber(limit)
  while true do
    if stopping() then
      return
    end
    for name in string.gmatch(backends, "[^,]+") do
      if txn.f:nbsrv(name) > 0 then
        return
      end
    end
    if now_ms() >= deadline then
      return
    end
    core.msleep(50)
  end
end, 2)
