-- severity() must return a severity name; the alert keeps medium
rule { id = "hostile.garbage_severity", title = "garbage_severity",
  on = { eventName = "Probe" },
  severity = function(e) return 42 end }
