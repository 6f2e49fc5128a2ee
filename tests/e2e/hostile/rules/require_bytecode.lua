-- a precompiled module under lib/ is refused (the test writes lib/compiled.lua)
rule { id = "hostile.require_bytecode", title = "require_bytecode", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return require("compiled") end }
