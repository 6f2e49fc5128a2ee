-- Test cases shared by the user and group forms of the guardrail swap
-- (aws.iam.guardrail_swap_user, aws.iam.guardrail_swap_group): the same
-- event sequences, with the calls and the request field named for the kind.
-- The role form (guardrail_swap) tests with recorded sample files instead.

local M = {}

local ACTOR = "arn:aws:sts::111122223333:assumed-role/PlatformAdmin/dana@example.com"
local DENY = "arn:aws:iam::111122223333:policy/DenyIAMChanges"
local ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
local READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
local CFN = "cloudformation.amazonaws.com"

-- kind: "User" or "Group"; target: the identity both calls name; other:
-- another identity of that kind. Returns the rule's tests table.
function M.tests(kind, target, other)
  local field = kind == "User" and "userName" or "groupName"
  local detach, attach = "Detach" .. kind .. "Policy", "Attach" .. kind .. "Policy"

  -- A {Detach,Attach}<kind>Policy call at minute `min`.
  local function call(name, policy, min, opts)
    opts = opts or {}
    return {
      eventVersion = "1.09", eventSource = "iam.amazonaws.com", eventName = name,
      eventTime = string.format("2024-06-11T%02d:%02d:00Z", 10 + min // 60, min % 60),
      awsRegion = "us-east-1", sourceIPAddress = "198.51.100.23",
      userAgent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64 prompt/off",
      recipientAccountId = "111122223333", errorCode = opts.err,
      userIdentity = { type = "AssumedRole", accountId = "111122223333",
                       arn = opts.actor or ACTOR, invokedBy = opts.via },
      requestParameters = { [field] = opts.target or target, policyArn = policy },
    }
  end

  local lower = kind:lower()
  return {
    { name = "guardrail detached, admin attached 10 minutes later", fires = true, alerts = 1,
      events = { call(detach, DENY, 0), call(attach, ADMIN, 10) },
      alert = { severity = "critical", actor = ACTOR } },
    { name = "attach alone", fires = false, alerts = 0,
      events = { call(attach, ADMIN, 10) } },
    { name = "attach before the detach is not the sequence", fires = false, alerts = 0,
      events = { call(attach, ADMIN, 0), call(detach, DENY, 10) } },
    { name = "admin attached 40 minutes later", fires = false, alerts = 0,
      events = { call(detach, DENY, 0), call(attach, ADMIN, 40) } },
    { name = "ordinary policy detached first", fires = false, alerts = 0,
      events = { call(detach, READONLY, 0), call(attach, ADMIN, 10) } },
    { name = "an ordinary policy attached after the guardrail", fires = false, alerts = 0,
      events = { call(detach, DENY, 0), call(attach, READONLY, 10) } },
    { name = "admin attached to another " .. lower, fires = false, alerts = 0,
      events = { call(detach, DENY, 0), call(attach, ADMIN, 10, { target = other }) } },
    { name = "another principal attached the admin policy", fires = false, alerts = 0,
      events = { call(detach, DENY, 0),
                 call(attach, ADMIN, 10, { actor = "arn:aws:iam::111122223333:user/alice" }) } },
    { name = "the detach was denied", fires = false, alerts = 0,
      events = { call(detach, DENY, 0, { err = "AccessDenied" }), call(attach, ADMIN, 10) } },
    { name = "the attach was denied", fires = false, alerts = 0,
      events = { call(detach, DENY, 0), call(attach, ADMIN, 10, { err = "AccessDenied" }) } },
    { name = "both steps through a CloudFormation stack still fire", fires = true, alerts = 1,
      events = { call(detach, DENY, 0, { via = CFN }), call(attach, ADMIN, 10, { via = CFN }) } },
  }
end

return M
