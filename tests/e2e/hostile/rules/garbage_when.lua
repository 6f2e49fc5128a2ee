-- when() returning a function (a helper named, not called) is an error
rule { id = "hostile.garbage_when", title = "garbage_when", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return string.upper end }
