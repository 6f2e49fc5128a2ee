-- vigil.aws: small helpers shared by the CloudTrail rules.
--
-- Every helper reads the event through dotted paths (e["a.b"]), which the
-- engine resolves to nil when any step is missing or JSON null, so no helper
-- can fail on a record with an odd shape.

local native = require "vigil.native"

local M = {}

local function text(v)
  if type(v) == "string" and v ~= "" then
    return v
  end
  return nil
end

-- fn, remembering its answer for the last event it was asked about. Many
-- rules of a record ask the same question of it, and each answer costs
-- field reads. Only event views are remembered: they are read-only, one is
-- shared by all the rules of a record, and the reference kept to it keeps
-- a later event from taking its place. fn must depend on the event alone.
local function per_event(fn)
  local last, answer
  return function(e)
    if e == last then
      return answer
    end
    local v = fn(e)
    if type(e) == "userdata" then
      last, answer = e, v
    end
    return v
  end
end

local function ends_with(s, suffix)
  return #s >= #suffix and s:sub(-#suffix) == suffix
end

-- The last segment of a policy ARN ("arn:...:policy/path/Name" -> "Name");
-- a bare name (an inline policy's policyName) is returned as it is.
-- Anchored: the unanchored "([^/]*)$" retried from every byte of the ARN.
local function policy_name(arn)
  return arn:match("^.*/(.*)$") or arn
end

-- Who acted. The core computes the alert's `actor` field in this same order
-- (arn, invokedBy, userName, onBehalfOf.userId, principalId): change both
-- together or neither. IdentityCenterUser records (the access portal and
-- identity-store calls) name only the identity-store user in onBehalfOf.
function M.actor(e)
  return text(e["userIdentity.arn"])
    or text(e["userIdentity.invokedBy"])
    or text(e["userIdentity.userName"])
    or text(e["userIdentity.onBehalfOf.userId"])
    or text(e["userIdentity.principalId"])
    or "unknown"
end

-- True when the call took effect: no errorCode, and for ConsoleLogin an
-- explicit "Success" (a failed sign-in has no errorCode, only errorMessage
-- "Failed authentication" and ConsoleLogin "Failure").
-- vigil.native answers for the record's own view in C, the same answer
-- (tests/e2e/test_aws_helpers.sh), and calls this for anything else.
M.succeeded = native.succeeded(per_event(function(e)
  local code = e.errorCode
  if type(code) == "string" and code ~= "" then
    return false
  end
  if e.eventName == "ConsoleLogin" then
    return e["responseElements.ConsoleLogin"] == "Success"
  end
  return true
end))

-- The opposite of succeeded(): the call was refused or errored.
function M.failed(e)
  return not M.succeeded(e)
end

-- The account the record was delivered for, else the caller's account.
function M.account(e)
  return text(e.recipientAccountId) or text(e["userIdentity.accountId"])
end

-- The region the call was made in.
function M.region(e)
  return text(e.awsRegion)
end

-- True when the account's root user made the call.
function M.is_root(e)
  return e["userIdentity.type"] == "Root"
end

-- True when a person made the call from the AWS Management Console.
-- Signals seen in real logs: eventType AwsConsoleSignIn (sign-in events);
-- sessionCredentialFromConsole "true" (calls made with console sessions, whose
-- userAgent is often just "AWS Internal"); older logs name the console in the
-- userAgent ("signin.amazonaws.com", "console.amazonaws.com") and per-service
-- consoles show up as "S3Console/0.4" or "RDS Console, ...".
-- (In C for the record's view, as succeeded() is.)
M.is_console = native.is_console(function(e)
  local ua = text(e.userAgent) or ""
  local flag = e.sessionCredentialFromConsole
  return e.eventType == "AwsConsoleSignIn"
    or flag == "true" or flag == true
    or ua == "signin.amazonaws.com"
    or ua == "console.amazonaws.com"
    -- two plain searches: the pattern "Console[/,]" was tried at every
    -- byte of every user agent, the dearest call in the pack
    or ua:find("Console/", 1, true) ~= nil or ua:find("Console,", 1, true) ~= nil
end)

-- invokedBy values that mean a person in the console, not AWS itself: real
-- logs show console users' IAM and CloudTrail calls with
-- invokedBy "signin.amazonaws.com", and they must not pass as AWS services.
local human_invokers = {
  ["signin.amazonaws.com"] = true,
  ["console.amazonaws.com"] = true,
}

-- True when AWS acted on your behalf: an AWSService identity, or a call a
-- service such as CloudFormation made (invokedBy "<service>.amazonaws.com").
-- (In C for the record's view, as succeeded() is.)
M.is_aws_service = native.is_aws_service(per_event(function(e)
  if e["userIdentity.type"] == "AWSService" then
    return true
  end
  local by = e["userIdentity.invokedBy"]
  return type(by) == "string" and ends_with(by, ".amazonaws.com") and not human_invokers[by]
end))

-- True when requestParameters.userName names an IAM user other than the
-- caller. Roles, federated users and root have no userName of their own, so
-- any named target is someone else; an absent target means the caller.
function M.is_other_user(e)
  local target = text(e["requestParameters.userName"])
  if target == nil then
    return false
  end
  if e["userIdentity.type"] ~= "IAMUser" then
    return true
  end
  return target ~= e["userIdentity.userName"]
end

-- AWS managed policies (names, any partition) that amount to full control of
-- the account. IAMFullAccess is listed because iam:* lets its holder attach
-- AdministratorAccess to itself. PowerUserAccess is not: it excludes IAM.
-- Extend with your own (AWS managed) names: admin_policies["Name"] = true.
M.admin_policies = {
  AdministratorAccess = true,
  IAMFullAccess = true,
}

-- True for an AWS managed admin policy ARN in any partition (arn:aws,
-- arn:aws-us-gov, arn:aws-cn, ...). A customer policy that merely has the
-- same name (arn:aws:iam::<account>:policy/AdministratorAccess) is not
-- matched: its content is unknown here.
function M.is_admin_policy(arn)
  local name
  if type(arn) ~= "string" then
    return false
  end
  name = arn:match("^arn:aws[%w%-]*:iam::aws:policy/([^/]+)$")
  return name ~= nil and M.admin_policies[name] == true
end

-- Lua patterns, matched against the lowercased policy name, for policies
-- whose removal weakens protection: explicit denies, guardrails, permission
-- boundaries, SCP mirrors and AWS's own quarantine policies (AWSDenyAll,
-- AWSCompromisedKeyQuarantine, ...V2, ...V3). Sites add their own naming
-- scheme with table.insert(require("vigil.aws").guardrail_patterns, "pat");
-- the table is read on every call, so an insert from any rule file applies
-- to all rules in the same engine.
M.guardrail_patterns = {
  "deny",
  "guardrail",
  "boundary",
  "scp",
  "quarantine",
}

-- True when a policy ARN (or an inline policy name) matches a guardrail
-- pattern.
function M.is_guardrail_policy(arn)
  local name
  if type(arn) ~= "string" or arn == "" then
    return false
  end
  name = policy_name(arn):lower()
  for _, pat in ipairs(M.guardrail_patterns) do
    if name:find(pat) then
      return true
    end
  end
  return false
end

return M
