-- Helpers for the events rule tests build (not used by rule conditions).

local M = {}

-- e as CloudFormation records a call it makes for a stack: the service in
-- invokedBy, as the source address and as the user agent. Returns e.
function M.through_stack(e)
  local svc = "cloudformation.amazonaws.com"
  e.userIdentity = e.userIdentity or {}
  e.userIdentity.invokedBy = svc
  e.sourceIPAddress = svc
  e.userAgent = svc
  return e
end

return M
