-- context() must return a table
rule { id = "hostile.garbage_context", title = "garbage_context", severity = "low",
  on = { eventName = "Probe" },
  context = function(e) return "not a table" end }
