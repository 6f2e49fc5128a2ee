-- holding 8 MiB strings until the state's memory cap: an error for this rule
rule { id = "hostile.memory", title = "memory", severity = "low",
  on = { eventName = "Probe" },
  when = function(e)
    -- Built from 4 KiB pieces: Lua's rep of a one-byte string copies byte by
    -- byte, which takes seconds under a sanitizer, and the time limit would
    -- come first.
    local t = {}
    for i = 1, 64 do t[i] = string.rep(("x"):rep(4096), 2048) end
  end }
