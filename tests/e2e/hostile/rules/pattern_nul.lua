-- a NUL byte ahead of the pattern's specials does not hide them from the cost
rule { id = "hostile.pattern_nul", title = "pattern_nul", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return ("\0" .. ("a"):rep(300)):find("\0" .. ("a*"):rep(4) .. "b") end }
