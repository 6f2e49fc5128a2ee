-- require looks only in the rule folders' lib/: outside/evil.lua is not found
rule { id = "hostile.require_outside", title = "require_outside", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return require("outside.evil") end }
