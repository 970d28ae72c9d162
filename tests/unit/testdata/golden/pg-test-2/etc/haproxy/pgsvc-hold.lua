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
  local deadline = now_ms() + tonumber(limit)
  while true do
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
