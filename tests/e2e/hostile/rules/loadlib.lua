-- no package.loadlib: a rule cannot load a shared library
rule { id = "hostile.loadlib", title = "loadlib", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return package.loadlib("libc.so.6", "system") end }
