-- doubling a string: one allocation past 16 MiB is refused
rule { id = "hostile.huge_alloc", title = "huge_alloc", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) local s = "x" while true do s = s .. s end end }
