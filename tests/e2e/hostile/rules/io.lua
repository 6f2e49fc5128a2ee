-- no io library: a rule cannot read or write files
rule { id = "hostile.io", title = "io", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return io.open("/etc/passwd"):read("a") end }
