-- a plain find compares bytes: charged by subject times needle
rule { id = "hostile.plain_find", title = "plain_find", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return ("a"):rep(1 << 23):find(("a"):rep(4096) .. "b", 1, true) end }
