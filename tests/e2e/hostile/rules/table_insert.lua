-- inserting at the front shifts the whole table in C: charged by its length
rule { id = "hostile.table_insert", title = "table_insert", severity = "low",
  on = { eventName = "Probe" },
  when = function(e)
    local t = { ("x"):rep(200000):byte(1, -1) } while true do table.insert(t, 1, 0) end end }
