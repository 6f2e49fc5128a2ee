-- IAM reconnaissance: one principal calling 12 or more distinct IAM read
-- APIs within 10 minutes.
--
-- Mapping who can do what (users, groups, roles, their inline and attached
-- policies, trust policies, keys, MFA devices) is how an intruder picks the
-- next identity to take. Tools do it in seconds: ListUsers, ListRoles,
-- ListGroups, ListAttachedUserPolicies, GetPolicyVersion,
-- GetAccountAuthorizationDetails... Distinct form keyed by the actor (exact
-- with any number of workers), counting eventName; one alert per principal
-- per hour. Successful reads only: refusals are
-- aws.recon.access_denied_burst's.
--
-- Quiet on purpose: AWS services and service-linked roles (Access
-- Analyzer, Config, Security Hub read IAM constantly), CloudFormation
-- (reading groups and policies while updating a stack, as in Panther's
-- group-read cases), console sessions (the IAM console's user page alone
-- issues about ten distinct reads) and infrastructure-as-code tools.
-- Indexed on eventSource iam.amazonaws.com.
local aws = require "vigil.aws"
local net = require "vigil.net"
local identity = require "vigil.identity"
local unless = require "vigil.unless"

local function is_read(n)
  return type(n) == "string" and (n:find("^Get") ~= nil or n:find("^List") ~= nil)
end

local reads = {
  "ListUsers", "ListRoles", "ListGroups", "ListPolicies", "GetAccountAuthorizationDetails",
  "ListAttachedUserPolicies", "ListUserPolicies", "ListGroupsForUser", "GetGroup",
  "GetGroupPolicy", "ListAttachedGroupPolicies", "GetRole", "GetPolicyVersion",
  "ListAccessKeys", "ListMFADevices",
}

-- Test events: the first n IAM reads above (cycled), `step` seconds apart.
local function enum(n, step, who, extra)
  local out = {}
  for i = 0, n - 1 do
    local s = i * step
    local ev = {
      eventSource = "iam.amazonaws.com", eventName = reads[i % #reads + 1], readOnly = true,
      eventTime = string.format("2024-06-11T%02d:%02d:%02dZ", 10 + s // 3600, (s // 60) % 60,
                                s % 60),
      recipientAccountId = "111122223333", sourceIPAddress = "203.0.113.50",
      userAgent = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux",
      userIdentity = { type = "IAMUser", accountId = "111122223333", userName = who,
                       arn = "arn:aws:iam::111122223333:user/" .. who },
    }
    for k, v in pairs(extra or {}) do
      ev[k] = v
    end
    out[#out + 1] = ev
  end
  return out
end

rule {
  id = "aws.iam.read_burst",
  title = "IAM enumeration: burst of distinct IAM reads by one principal",
  severity = "medium",
  description = "One principal successfully called 12 or more different IAM Get*/List* APIs "
    .. "within 10 minutes, outside the console and automation.",
  tags = { "attack.t1087.004", "attack.t1069.003", "attack.discovery" },
  references = {
    "https://attack.mitre.org/techniques/T1087/004/",
    "https://attack.mitre.org/techniques/T1069/003/",
    "https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html",
  },
  on = { eventSource = "iam.amazonaws.com", eventName = { "Get*", "List*" }, errorCode = false,
         unless = unless.of("aws_service", "console", "iac", "service_linked") },
  when = function(e)
    return is_read(e.eventName) and aws.succeeded(e) and not aws.is_aws_service(e)
      and not aws.is_console(e) and not net.is_iac(e) and not identity.is_service_linked(e)
  end,
  distinct = { count = 12, window = "10m", field = "eventName" },
  dedup = { window = "1h" },
  output = "{actor} called 12 or more different IAM read APIs within 10 minutes (last: "
    .. "{event_name}) from {source_ip}",
  context = function(e) return { user_agent = e.userAgent } end,
  runbook = {
    about = "Twelve or more distinct IAM Get*/List* calls by one principal in 10 minutes, "
      .. "not from the console and not from AWS or infrastructure-as-code tooling. That is "
      .. "how users, groups, roles and their policies are mapped before privilege "
      .. "escalation or persistence. context.distinct has the count and window.",
    risks = {
      "Discovery: the actor now knows which identities hold admin rights, which roles they "
        .. "can assume and which users lack MFA.",
      "Often followed by privilege escalation (policy versions, trust policies, new keys).",
      "Compliance: SOC 2 CC7.2, NIST 800-53 AC-6(9) (log use of privileged functions).",
    },
    console = {
      "1. CloudTrail > Event history: Event source = iam.amazonaws.com, User name = the "
        .. "actor; check the reads and any writes after them.",
      "2. Ask the owner of the principal whether an audit tool (Prowler, ScoutSuite, an "
        .. "access review script) ran; if so, add an exception for it in your local rules.",
      "3. If not: deactivate the access key or revoke the role's sessions.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --max-results 100",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
    },
  },
  tests = {
    { name = "12 different IAM reads in 2 minutes", fires = true, alerts = 1,
      events = enum(12, 10, "mallory"),
      alert = { severity = "medium",
                context = { user_agent = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux",
                            distinct = { count = 12, window_seconds = 600 } } } },
    { name = "11 reads", fires = false, alerts = 0, events = enum(11, 10, "mallory") },
    { name = "12 reads over two hours", fires = false, alerts = 0,
      events = enum(12, 600, "mallory") },
    { name = "refused reads", fires = false, alerts = 0,
      events = enum(15, 10, "mallory", { errorCode = "AccessDenied" }) },
    { name = "console", fires = false, alerts = 0,
      events = enum(15, 10, "mallory", { sessionCredentialFromConsole = "true" }) },
    { name = "CloudFormation reading groups for a stack", fires = false, alerts = 0,
      events = enum(15, 10, "x", { userIdentity = {
        type = "AssumedRole", accountId = "111122223333",
        arn = "arn:aws:sts::111122223333:assumed-role/cfn-exec/AWSCloudFormation",
        invokedBy = "cloudformation.amazonaws.com" } }) },
    { name = "Access Analyzer's service-linked role", fires = false, alerts = 0,
      events = enum(15, 10, "x", { userIdentity = {
        type = "AssumedRole", accountId = "111122223333",
        arn = "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForAccessAnalyzer/a",
        sessionContext = { sessionIssuer = { type = "Role",
          arn = "arn:aws:iam::111122223333:role/aws-service-role/"
            .. "access-analyzer.amazonaws.com/AWSServiceRoleForAccessAnalyzer" } } } }) },
    { name = "writes are not reads", fires = false, alerts = 0,
      events = (function()
        local out = enum(15, 10, "mallory")
        for i, ev in ipairs(out) do ev.eventName = "Tag" .. i end
        return out
      end)() },
    { name = "two principals with 6 reads each", fires = false, alerts = 0,
      events = (function()
        local out = enum(6, 10, "mallory")
        for i, ev in ipairs(enum(6, 10, "trent")) do
          ev.eventName = reads[i + 6]
          out[#out + 1] = ev
        end
        return out
      end)() },
  },
}
