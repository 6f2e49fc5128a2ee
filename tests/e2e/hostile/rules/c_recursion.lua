-- recursion through C functions ends at Lua's C stack limit
rule { id = "hostile.c_recursion", title = "c_recursion", severity = "low",
  on = { eventName = "Probe" },
  when = function(e) local function f(s) return (s:gsub(".", f)) end return f("ab") end }
