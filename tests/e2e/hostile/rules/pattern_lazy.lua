-- one lazy item over a long subject is quadratic: charged too
rule { id = "hostile.pattern_lazy", title = "pattern_lazy", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return ("a"):rep(1 << 20):match(".-b") end }
