-- doubling a string hits the state's memory cap: an error for this rule
rule { id = "hostile.memory", title = "memory", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) local s = "x" while true do s = s .. s end end }
