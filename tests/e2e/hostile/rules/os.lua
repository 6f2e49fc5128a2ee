-- no os library: a rule cannot run commands
rule { id = "hostile.os", title = "os", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return os.execute("touch pwned") end }
