-- no dofile: no running any file (the test's working folder holds outside/evil.lua)
rule { id = "hostile.dofile", title = "dofile", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return dofile("outside/evil.lua") end }
