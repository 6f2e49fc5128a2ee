-- vigil.identity: helpers for the identity rules (IAM, STS, sign-in,
-- Organizations, account, IAM Identity Center).
--
-- IAM carries policies as JSON text inside requestParameters (policyDocument,
-- assumeRolePolicyDocument, a federation token's policy). They are decoded
-- with vigil.data's decoder (one JSON reader for the pack); text that is not
-- JSON reads as nil, and the rules treat "unreadable" as "not proven
-- dangerous" while saying so in their context.
--
-- Tables marked "tune per site" are read on every call, so a site changes
-- them from any rule file, as with vigil.aws: for example
-- table.insert(require("vigil.identity").admin_group_patterns, "^ops%-root$").

local data = require "vigil.data"

local M = {}

local function text(v)
  if type(v) == "string" and v ~= "" then
    return v
  end
  return nil
end

--------------------------------------------------------------------------
-- Policy documents
--------------------------------------------------------------------------

-- Some CloudTrail records carry policy documents URL-encoded ("%7B%22...").
local function url_decode(s)
  return (s:gsub("%+", " "):gsub("%%(%x%x)", function(h)
    return string.char(tonumber(h, 16))
  end))
end

-- A policy document (text or already a table) as a table, or nil.
function M.policy(doc)
  if type(doc) == "table" then
    return doc
  end
  if type(doc) ~= "string" then
    return nil
  end
  if doc:find("^%s*%%7[Bb]") then
    doc = url_decode(doc)
  end
  local t = data.decode(doc)
  if type(t) ~= "table" then
    return nil
  end
  return t
end

-- A policy element that may be one string or a list, as a list.
local function as_list(v)
  if type(v) == "string" then
    return { v }
  elseif type(v) == "table" then
    return v
  end
  return {}
end

-- The statements of a parsed policy (Statement is an object or a list).
function M.statements(p)
  local st = type(p) == "table" and p.Statement
  if type(st) ~= "table" then
    return {}
  end
  if st.Effect ~= nil or st.Action ~= nil or st.Principal ~= nil then
    return { st }
  end
  return st
end

local function is_allow(st)
  return type(st) == "table" and type(st.Effect) == "string" and st.Effect:lower() == "allow"
end

-- Actions that amount to full control of an account when allowed on every
-- resource: everything, or all of IAM (whose holder can grant itself the
-- rest, the reason vigil.aws counts IAMFullAccess as admin). Lowercase.
M.full_actions = { ["*"] = true, ["*:*"] = true, ["iam:*"] = true }

local function any_full_action(actions)
  for _, a in ipairs(as_list(actions)) do
    if type(a) == "string" and M.full_actions[a:lower()] then
      return true
    end
  end
  return false
end

local function any_star(list)
  for _, r in ipairs(as_list(list)) do
    if r == "*" then
      return true
    end
  end
  return false
end

-- Whether a permission policy allows full control: some Allow statement with
-- Action "*" (or "iam:*") on Resource "*". Returns granted, conditional
-- (the granting statement has a Condition), readable (the text parsed).
-- NotAction statements are not judged: "everything except X" is reported by
-- the rules as an ordinary policy change, not as an admin grant.
function M.grants_full_access(doc)
  local p = M.policy(doc)
  if not p then
    return false, false, false
  end
  local granted, conditional = false, true
  for _, st in ipairs(M.statements(p)) do
    if is_allow(st) and any_full_action(st.Action) and any_star(st.Resource) then
      granted = true
      conditional = conditional and type(st.Condition) == "table" and next(st.Condition) ~= nil
    end
  end
  return granted, granted and conditional, true
end

local function account_of(principal)
  if type(principal) ~= "string" then
    return nil
  end
  return principal:match("^(%d%d%d%d%d%d%d%d%d%d%d%d)$")
    or principal:match("^arn:aws[%w%-]*:[%w%-]+::(%d%d%d%d%d%d%d%d%d%d%d%d):")
end

-- Who a trust policy lets assume the role. Returns exposure ("public",
-- "external" or nil) and a list of the AWS principals found outside the
-- account (or "*"). public: an Allow with Principal "*", {"AWS": "*"} or a
-- NotPrincipal (everyone but a few). external: an AWS principal in another
-- account than own_account; when own_account is unknown only "public" is
-- decided. Service and federated principals are not judged here.
function M.trust_exposure(doc, own_account)
  local p = M.policy(doc)
  local public, external, who = false, false, {}
  if not p then
    return nil, who
  end
  for _, st in ipairs(M.statements(p)) do
    if is_allow(st) then
      if st.NotPrincipal ~= nil or st.Principal == "*" then
        public = true
        who[#who + 1] = "*"
      elseif type(st.Principal) == "table" then
        for _, a in ipairs(as_list(st.Principal.AWS)) do
          local acct = account_of(a)
          if a == "*" then
            public = true
            who[#who + 1] = "*"
          elseif own_account and acct and acct ~= own_account then
            external = true
            who[#who + 1] = a
          end
        end
      end
    end
  end
  if public then
    return "public", who
  elseif external then
    return "external", who
  end
  return nil, who
end

--------------------------------------------------------------------------
-- The event
--------------------------------------------------------------------------

-- The account the event belongs to.
function M.own_account(e)
  return text(e.recipientAccountId) or text(e["userIdentity.accountId"])
end

-- The userAgent, lowercased ("" when absent).
function M.agent(e)
  return (text(e.userAgent) or ""):lower()
end

-- True when the lowercased userAgent contains one of the plain substrings.
function M.agent_has(e, needles)
  local ua = M.agent(e)
  for _, n in ipairs(needles) do
    if ua:find(n, 1, true) then
      return true
    end
  end
  return false
end

-- A sign-in record's MFAUsed ("Yes", "No" or nil).
function M.mfa_used(e)
  return text(e["additionalEventData.MFAUsed"])
end

-- The outcome a sign-in event reports in responseElements under its own
-- name (ConsoleLogin, CheckMfa, PasswordUpdated): "Success", "Failure" or nil.
-- These events carry no errorCode when they fail.
function M.signin_result(e)
  local name = text(e.eventName)
  return name and text(e["responseElements." .. name])
end

-- True when the caller is a service-linked role's session (AWS Config,
-- Security Hub, Access Analyzer and the like reading your settings): its
-- issuer lives under the reserved path /aws-service-role/.
function M.is_service_linked(e)
  local issuer = text(e["userIdentity.sessionContext.sessionIssuer.arn"]) or ""
  return issuer:find(":role/aws-service-role/", 1, true) ~= nil
end

-- True for a session whose issuer is a role (credentials from AssumeRole).
function M.is_role_session(e)
  return e["userIdentity.type"] == "AssumedRole"
    and e["userIdentity.sessionContext.sessionIssuer.type"] == "Role"
end

--------------------------------------------------------------------------
-- Site tables (tune per site)
--------------------------------------------------------------------------

-- Lowercase substrings of user agents of tools that test stolen or leaked
-- keys (TruffleHog calls GetCallerIdentity to verify every key it finds).
M.scanner_agents = { "trufflehog" }

-- Lowercase substrings of user agents of infrastructure-as-code tools that
-- call IAM directly (CloudFormation shows as invokedBy instead). A caller
-- can set any user agent, so this only mutes a low-severity hygiene rule;
-- no rule that detects an attack consults it.
M.iac_agents = { "terraform/", "pulumi" }

-- Lua patterns matched against the lowercased IAM group name of groups that
-- hold administrator rights.
M.admin_group_patterns = { "admin" }

-- True when an IAM group name matches admin_group_patterns.
function M.is_admin_group(name)
  if type(name) ~= "string" then
    return false
  end
  name = name:lower()
  for _, pat in ipairs(M.admin_group_patterns) do
    if name:find(pat) then
      return true
    end
  end
  return false
end

-- Names AWS gives the policies it puts on a user whose access key it found
-- exposed in public (inline in older records, AWS managed in newer ones).
M.exposed_key_policies = {
  "^awsexposedcredentialpolicy_do_not_remove$",
  "^awscompromisedkeyquarantine",
}

-- True when a policy name or ARN is one of AWS's exposed-key policies.
function M.is_exposed_key_policy(name_or_arn)
  if type(name_or_arn) ~= "string" then
    return false
  end
  local name = (name_or_arn:match("^.*/(.*)$") or name_or_arn):lower()
  for _, pat in ipairs(M.exposed_key_policies) do
    if name:find(pat) then
      return true
    end
  end
  return false
end

return M
