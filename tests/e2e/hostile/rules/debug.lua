-- no debug library: no reaching into the registry or other functions' locals
rule { id = "hostile.debug", title = "debug", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return debug.getregistry() end }
