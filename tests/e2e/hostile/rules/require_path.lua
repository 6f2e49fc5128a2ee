-- rewriting package.path does not widen require: its path is fixed at start
rule { id = "hostile.require_path", title = "require_path", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) package.path = "outside/?.lua"; return require("evil") end }
