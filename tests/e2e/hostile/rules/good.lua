-- The rule that must keep working beside every hostile one: it uses a
-- module from its own lib/, as rules may, and the pattern functions the
-- sandbox costs (their results must be Lua's own).
local helper = require "helper"

rule { id = "hostile.good", title = "good", severity = "high",
  on = { eventName = "Probe" },
  output = "{eventID} still fires",
  when = function(e)
    local words = 0
    for _ in ("one two three"):gmatch("%a+") do words = words + 1 end
    return helper.is_probe(e) and words == 3
      and ("arn:aws:iam::1:user/a"):match("user/(%w+)$") == "a"
      and select(2, ("a.b.c"):gsub("%.", "/")) == 2
      and ("x[y]"):find("[", 1, true) == 2
  end,
  context = function(e) return { extra = helper.tag } end }
