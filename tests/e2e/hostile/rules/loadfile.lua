-- no loadfile: no compiling a file from anywhere
rule { id = "hostile.loadfile", title = "loadfile", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return loadfile("outside/evil.lua") end }
