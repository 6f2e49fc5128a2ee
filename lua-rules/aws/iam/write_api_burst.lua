-- One principal calling 10 distinct IAM write APIs within 10 minutes.
--
-- Persistence and privilege escalation in IAM take several different
-- calls: create a user, give it a login profile and keys, attach policies,
-- add it to a group, change a trust policy, a policy version. An
-- administrator's daily change is one or two of these; ten different ones
-- in ten minutes is a takeover script or a person rebuilding access. The
-- per-call rules already alert on the dangerous single calls; this one
-- sees the spree. Distinct form keyed by the actor (exact with any number
-- of workers), counting eventName; one alert per principal per hour.
--
-- A write is a successful call with readOnly false (or, without that
-- field, not Get*/List*/Generate*/Simulate*). Quiet on purpose: failed
-- calls (nothing changed), AWS services (CloudFormation applying a stack),
-- service-linked roles, and infrastructure-as-code tools, which create
-- whole sets of roles and policies in one apply. Console sessions count:
-- a person making ten different IAM changes at speed is worth a look.
-- Indexed on eventSource iam.amazonaws.com: every IAM record is a
-- candidate, no other.
local aws = require "vigil.aws"
local net = require "vigil.net"
local identity = require "vigil.identity"
local unless = require "vigil.unless"

local function is_write(e)
  local ro = e.readOnly
  if ro == true or ro == "true" then
    return false
  elseif ro == false or ro == "false" then
    return true
  end
  local n = e.eventName or ""
  return not (n:find("^Get") or n:find("^List") or n:find("^Generate")
    or n:find("^Simulate"))
end

local writes = {
  "CreateUser", "CreateLoginProfile", "CreateAccessKey", "AttachUserPolicy",
  "AddUserToGroup", "PutUserPolicy", "UpdateAssumeRolePolicy", "CreatePolicyVersion",
  "SetDefaultPolicyVersion", "AttachRolePolicy", "DeactivateMFADevice", "TagUser",
}

-- Test events: the first n IAM writes above (cycled), `step` seconds apart.
local function spree(n, step, who, extra)
  local out = {}
  for i = 0, n - 1 do
    local s = i * step
    local ev = {
      eventSource = "iam.amazonaws.com", eventName = writes[i % #writes + 1], readOnly = false,
      eventTime = string.format("2024-06-11T%02d:%02d:%02dZ", 10 + s // 3600, (s // 60) % 60,
                                s % 60),
      recipientAccountId = "111122223333", sourceIPAddress = "203.0.113.50",
      userAgent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64 prompt/off",
      userIdentity = { type = "IAMUser", accountId = "111122223333", userName = who,
                       arn = "arn:aws:iam::111122223333:user/" .. who },
      requestParameters = { userName = "backdoor" },
    }
    for k, v in pairs(extra or {}) do
      ev[k] = v
    end
    out[#out + 1] = ev
  end
  return out
end

rule {
  id = "aws.iam.write_api_burst",
  title = "Burst of distinct IAM changes by one principal",
  severity = "medium",
  description = "One principal made 10 or more different kinds of IAM change within 10 "
    .. "minutes.",
  tags = { "attack.t1098", "attack.persistence", "attack.privilege_escalation",
           "attack.t1136.003" },
  references = {
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/cloudtrail-integration.html",
    "https://attack.mitre.org/techniques/T1098/",
  },
  on = { eventSource = "iam.amazonaws.com", errorCode = false,
         unless = unless.of("aws_service", "iac", "service_linked",
                            { readOnly = { true, "true" } }) },
  when = function(e)
    return aws.succeeded(e) and is_write(e) and not aws.is_aws_service(e)
      and not net.is_iac(e) and not identity.is_service_linked(e)
  end,
  distinct = { count = 10, window = "10m", field = "eventName" },
  dedup = { window = "1h" },
  output = "{actor} made 10 or more different IAM changes within 10 minutes (last: "
    .. "{event_name}) from {source_ip}",
  context = function(e) return { via_console = aws.is_console(e) } end,
  runbook = {
    about = "Ten or more distinct IAM write APIs (create, attach, put, update, delete, tag...) "
      .. "succeeded for one principal within 10 minutes (context.distinct). Takeover "
      .. "scripts create users, keys and login profiles, attach admin policies and edit "
      .. "trust policies in one run; the per-call alerts of the same actor tell which.",
    risks = {
      "Persistence: new users, keys, login profiles or trusted principals survive the "
        .. "original credential's revocation.",
      "Privilege escalation: policy versions, attachments and trust changes give the actor "
        .. "(or their backdoor) more rights.",
      "Compliance: CIS AWS Foundations Benchmark v1.2.0 3.4 (alarm on IAM policy changes), "
        .. "SOC 2 CC6.2 / CC6.3 (access provisioning approved), PCI DSS 7.2.",
    },
    console = {
      "1. CloudTrail > Event history: Event source = iam.amazonaws.com, User name = the "
        .. "actor: list every change of the last hour.",
      "2. Ask the actor whether this was planned work; if not, treat it as an incident.",
      "3. Undo in reverse: delete created users' keys and login profiles, detach added "
        .. "policies, restore trust policies and default policy versions.",
      "4. Disable the actor's credentials (access keys Inactive, or revoke role sessions).",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --max-results 100",
      "aws iam list-users --query 'Users[?CreateDate>=`<date>`]'",
      "aws iam delete-access-key --user-name <created-user> --access-key-id <key-id>",
      "aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn>",
      "aws iam update-access-key --user-name <actor> --access-key-id <key-id> "
        .. "--status Inactive",
    },
  },
  tests = {
    { name = "10 different IAM writes in 5 minutes", fires = true, alerts = 1,
      events = spree(10, 30, "ci-deploy-key"),
      alert = { severity = "medium", actor = "arn:aws:iam::111122223333:user/ci-deploy-key",
                context = { via_console = false,
                            distinct = { count = 10, window_seconds = 600 } } } },
    { name = "9 different writes", fires = false, alerts = 0,
      events = spree(9, 30, "ci-deploy-key") },
    { name = "10 writes over an hour and a half", fires = false, alerts = 0,
      events = spree(10, 540, "ci-deploy-key") },
    { name = "one API 30 times", fires = false, alerts = 0,
      events = (function()
        local out = spree(30, 10, "ci-deploy-key")
        for _, ev in ipairs(out) do ev.eventName = "TagRole" end
        return out
      end)() },
    { name = "failed calls", fires = false, alerts = 0,
      events = spree(12, 30, "ci-deploy-key", { errorCode = "AccessDenied" }) },
    { name = "reads are not writes", fires = false, alerts = 0,
      events = spree(12, 30, "ci-deploy-key", { readOnly = true }) },
    { name = "CloudFormation creating a stack's IAM resources", fires = false, alerts = 0,
      events = spree(12, 30, "x", { userIdentity = {
        type = "AssumedRole", accountId = "111122223333",
        arn = "arn:aws:sts::111122223333:assumed-role/cfn-exec/AWSCloudFormation",
        invokedBy = "cloudformation.amazonaws.com" } }) },
    { name = "terraform apply", fires = false, alerts = 0,
      events = spree(12, 30, "deployer", { userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 "
        .. "terraform-provider-aws/5.40.0" }) },
    { name = "12 kinds in all, split 6 and 6 between two principals", fires = false, alerts = 0,
      events = (function()
        local out = spree(6, 30, "alice")
        for i, ev in ipairs(spree(6, 30, "bob")) do
          ev.eventName = writes[i + 6]
          out[#out + 1] = ev
        end
        return out
      end)() },
    { name = "30 writes in 15 minutes: one alert (dedup)", fires = false, alerts = 1,
      events = spree(30, 30, "ci-deploy-key") },
  },
}
