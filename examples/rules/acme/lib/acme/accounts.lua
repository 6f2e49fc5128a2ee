-- Our AWS accounts, shared by every acme rule: require "acme.accounts".
local M = {}

M.names = {
  ["111122223333"] = "payments-prod",
  ["444455556666"] = "sandbox",
}

-- Accounts where a root sign-in is an emergency, not a surprise.
M.production = { ["111122223333"] = true }

function M.is_production(id)
  return M.production[id] == true
end

function M.name(id)
  return M.names[id] or id or "?"
end

return M
