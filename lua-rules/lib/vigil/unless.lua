-- vigil.unless: ready-made `on.unless` tables for the callers many rules
-- leave out, so the stage-1 scanner skips their events on the record's
-- bytes, before any parse or Lua call (docs/rules.md, "Skipping callers
-- before parsing").
--
--   local unless = require "vigil.unless"
--   on = { eventSource = "iam.amazonaws.com",
--          unless = unless.of("aws_service", "console", "iac", "service_linked") },
--
-- Each set skips a subset of what the Lua helper of the same name says
-- (aws.is_aws_service, aws.is_console, net.is_iac,
-- identity.is_service_linked): the part a field value can say ("iac" is
-- all of net.is_iac when M.iac_exact()). A rule that must be exact keeps
-- calling the helper in `when`, which then runs only on the events the set
-- let through.
local net = require "vigil.net"

local M = {}

-- Fixed sets: field path -> values, as on.unless takes them.
local sets = {
  -- AWSService identities. (Calls a service made for you, invokedBy
  -- "<service>.amazonaws.com", stay for `when`: the console's invokedBy
  -- values look the same and are people.)
  aws_service = { ["userIdentity.type"] = { "AWSService" } },
  console = {
    userAgent = { "console.amazonaws.com", "signin.amazonaws.com", "*Console/*", "*Console,*" },
    sessionCredentialFromConsole = { "true", true },
    eventType = { "AwsConsoleSignIn" },
  },
  service_linked = {
    ["userIdentity.sessionContext.sessionIssuer.arn"] = { "*:role/aws-service-role/*" },
  },
}

-- net.iac_agent_patterns are Lua patterns matched on the lowercased user
-- agent. The plain words among them ("terraform", "aws%-cdk") are
-- substrings matched ignoring case ({ nocase = "*terraform*" }), exactly
-- what net.is_iac does with them; patterns with other magic characters are
-- left to net.is_iac (M.iac_exact() says whether there are any). Read when
-- a rule calls unless.of, so a site that edits the list should do it in a
-- file that loads before its rules.
local function iac_words()
  local out, exact = {}, true
  for _, pat in ipairs(net.iac_agent_patterns) do
    local bare = pat:gsub("%%%p", "")
    local plain = pat:gsub("%%(%p)", "%1")
    if not bare:find("[%^%$%(%)%%%.%[%]%*%+%-%?]") and not plain:find("*", 1, true) then
      out[#out + 1] = "*" .. plain:lower() .. "*"
    else
      exact = false
    end
  end
  return out, exact
end

local function iac_set()
  local words = iac_words()
  return { userAgent = { { nocase = words } } }
end

-- True when unless.of("iac") skips exactly what net.is_iac says: every
-- pattern of net.iac_agent_patterns is a plain word. A rule may then leave
-- net.is_iac out of its `when`.
function M.iac_exact()
  local _, exact = iac_words()
  return exact
end

local function add(dst, src)
  for path, values in pairs(src) do
    local list = dst[path] or {}
    dst[path] = list
    for _, v in ipairs(values) do
      list[#list + 1] = v
    end
  end
end

-- One on.unless table skipping every named set: "aws_service", "console",
-- "iac", "service_linked"; a table argument adds its own entries
-- ({ readOnly = { true, "true" } }). An unknown name is an error at load.
function M.of(...)
  local out = {}
  for i = 1, select("#", ...) do
    local name = select(i, ...)
    if type(name) == "table" then
      local own = {}
      for path, v in pairs(name) do
        own[path] = type(v) == "table" and v or { v }
      end
      add(out, own)
    elseif name == "iac" then
      add(out, iac_set())
    elseif sets[name] then
      add(out, sets[name])
    else
      error("vigil.unless: unknown set '" .. tostring(name) .. "' (aws_service, console, iac, "
        .. "service_linked)", 2)
    end
  end
  return out
end

return M
