-- backtracking in Lua's pattern matcher is costed and charged before it runs
rule { id = "hostile.pattern_backtrack", title = "pattern_backtrack", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return ("a"):rep(300):find(("a*"):rep(4) .. "b") end }
