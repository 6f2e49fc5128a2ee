-- The rule that must keep working beside every hostile one: it uses a
-- module from its own lib/, as rules may.
local helper = require "helper"

rule { id = "hostile.good", title = "good", severity = "high",
  on = { eventName = "Probe" },
  output = "{eventID} still fires",
  when = function(e) return helper.is_probe(e) end,
  context = function(e) return { extra = helper.tag } end }
