-- no load: no compiling text or bytecode at run time
rule { id = "hostile.load", title = "load", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return load("\27Lua")() end }
