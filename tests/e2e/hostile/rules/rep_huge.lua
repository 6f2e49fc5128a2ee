-- string.rep past the size limit is refused before allocating
rule { id = "hostile.rep_huge", title = "rep_huge", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return #string.rep("x", 1 << 60) > 0 end }
