-- gsub walks the whole subject: its searches are charged as one
rule { id = "hostile.pattern_gsub", title = "pattern_gsub", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return ("a"):rep(5000):gsub("a*a*b", "") end }
