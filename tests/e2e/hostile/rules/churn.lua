-- making and dropping 1 MiB strings hits the per-call allocation budget
rule { id = "hostile.churn", title = "churn", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) for i = 1, 100000 do local s = string.rep(("x"):rep(4096), 256) .. i end end }
