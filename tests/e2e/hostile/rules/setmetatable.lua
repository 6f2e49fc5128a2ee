-- no setmetatable: no finalizer or metamethod running outside the budget
rule { id = "hostile.setmetatable", title = "setmetatable", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return setmetatable({}, { __gc = function() while true do end end }) end }
