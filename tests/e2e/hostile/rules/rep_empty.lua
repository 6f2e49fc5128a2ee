-- string.rep of an empty string loops in C: its iterations use the budget
rule { id = "hostile.rep_empty", title = "rep_empty", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) return #string.rep("", 1 << 50) == 0 end }
