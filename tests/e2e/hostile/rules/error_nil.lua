-- error() with no value, the same
rule { id = "hostile.error_nil", title = "error_nil", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) error() end }
