-- deep recursion ends in the budget, never a crash
rule { id = "hostile.recursion", title = "recursion", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) local function f(n) return f(n + 1) + 1 end return f(1) end }
