-- context() values must be plain data: a function inside is refused
rule { id = "hostile.garbage_context_fn", title = "garbage_context_fn", severity = "low",
  on = { eventName = "Probe" },
  context = function(e) return { f = print } end }
