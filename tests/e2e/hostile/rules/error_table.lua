-- an error object that is a table is reported by type and place
rule { id = "hostile.error_table", title = "error_table", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) error({ code = 42 }) end }
