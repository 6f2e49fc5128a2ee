-- table.move over a huge range loops in C: charged to the budget too
rule { id = "hostile.table_move", title = "table_move", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return table.move({}, 1, 1 << 50, 2) ~= nil end }
