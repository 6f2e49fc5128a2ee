-- pcall cannot swallow the budget error: it is raised again
rule { id = "hostile.pcall_swallow", title = "pcall_swallow", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) while true do pcall(function() while true do end end) end end }
