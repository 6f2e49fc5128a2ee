-- a runaway loop is stopped by the instruction budget
rule { id = "hostile.loop", title = "loop", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) while true do end end }
