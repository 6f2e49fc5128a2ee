-- A legitimate module under a rule folder's lib/.
local M = { tag = "helped" }

function M.is_probe(e)
  return e.eventName == "Probe"
end

return M
