-- holding 8 MiB strings until the state's memory cap: an error for this rule
rule { id = "hostile.memory", title = "memory", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) local t = {} for i = 1, 64 do t[i] = string.rep("x", 8 << 20) end end }
