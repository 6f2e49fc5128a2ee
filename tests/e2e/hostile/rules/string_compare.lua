-- comparing long strings costs one instruction each: the time budget ends it
rule { id = "hostile.string_compare", title = "string_compare", severity = "low",
  on = { eventName = "Probe" },
  when = function(e)
    if e.eventID ~= "p1" then return false end -- once: it runs for the whole 3 s
    local a, b = ("x"):rep((16 << 20) - 64), ("x"):rep((16 << 20) - 64)
    while true do local _ = a == b end
  end }
