-- title() must return a string; the alert keeps the rule id
rule { id = "hostile.garbage_title", severity = "low",
  on = { eventName = "Probe" },
  title = function(e) return {} end }
