-- Password spraying: one source IP failing console sign-in for 5 or more
-- distinct user names within an hour.
--
-- Spraying tries one or two common passwords against many users, slowly,
-- to stay under per-user lockouts and per-user bursts (see
-- console_login_failure_burst). Distinct form keyed by sourceIPAddress,
-- counting the user names (the ARN, else the name given). Names that do not
-- exist all read HIDDEN_DUE_TO_SECURITY_REASONS and count as one value, so
-- a spray of made-up names needs 4 real ones besides; the per-user burst
-- rule catches the hidden-name flood from one address. One alert per
-- address per 6 hours (dedup).
--
-- Known limit (multi-worker): vigil sends each event to the worker that
-- owns its acting principal, and here every user is a different principal,
-- so with N workers one address's failures are spread over N separate
-- counts and a spray is seen only once some worker alone reaches 5 names.
-- `vigil scan -w 1` (or `"workers": 1` in a pipeline) makes it exact. What
-- would fix it: letting a rule declare the key it partitions on (here
-- sourceIPAddress) so the scheduler routes its candidates by that key, or a
-- shared store for cross-principal forms.
local aws = require "vigil.aws"
local identity = require "vigil.identity"

local function user(e)
  return e["userIdentity.arn"] or e["userIdentity.userName"] or e["userIdentity.principalId"]
end

-- Test events: one failure per user name, `step` seconds apart from 10:00:00.
local function spray(users, step, ip, result)
  local out = {}
  for i, name in ipairs(users) do
    local s = (i - 1) * step
    out[#out + 1] = {
      eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin",
      eventType = "AwsConsoleSignIn", recipientAccountId = "111122223333",
      eventTime = string.format("2024-06-11T%02d:%02d:%02dZ", 10 + s // 3600, (s // 60) % 60,
                                s % 60),
      sourceIPAddress = ip or "203.0.113.50",
      userIdentity = { type = "IAMUser", accountId = "111122223333", userName = name,
                       arn = name ~= "HIDDEN_DUE_TO_SECURITY_REASONS"
                         and "arn:aws:iam::111122223333:user/" .. name or nil },
      responseElements = { ConsoleLogin = result or "Failure" },
      additionalEventData = { MFAUsed = "No" },
    }
  end
  return out
end

local five = { "ana", "ben", "carla", "dmitri", "eve" }

rule {
  id = "aws.signin.password_spraying",
  title = "Password spraying: one address failing sign-in for many users",
  severity = "high",
  description = "Console sign-ins from one source IP failed for 5 or more different users "
    .. "within an hour.",
  tags = { "attack.t1110.003", "attack.credential_access" },
  references = {
    "https://attack.mitre.org/techniques/T1110/003/",
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "cloudtrail-event-reference-aws-console-sign-in-events.html",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin" },
  when = function(e)
    return identity.signin_result(e) == "Failure" and user(e) ~= nil
      and type(e.sourceIPAddress) == "string"
  end,
  distinct = { count = 5, window = "1h", key = "sourceIPAddress", field = user },
  dedup = { window = "6h", key = "sourceIPAddress" },
  output = "{source_ip} failed console sign-in for 5 or more different users within an hour "
    .. "(last: {actor})",
  context = function(e) return { account = aws.account(e) } end,
  runbook = {
    about = "Failed ConsoleLogin records from one source address named 5 or more different "
      .. "users within an hour (context.distinct). That pattern is password spraying: a few "
      .. "likely passwords tried against many accounts. The alert's actor is the last user "
      .. "tried; CloudTrail has the others.",
    risks = {
      "Credential access: any user with a weak password and no MFA may already be in; a "
        .. "ConsoleLogin Success from the same address is a compromise.",
      "Compliance: CIS AWS Foundations Benchmark v1.2.0 3.6 (alarm on console authentication "
        .. "failures), CIS 1.10 (MFA for console users), PCI DSS 8.3.4, SOC 2 CC6.1.",
    },
    console = {
      "1. CloudTrail > Event history: Event name = ConsoleLogin; look at every record from "
        .. "the source IP in the alert, failures and successes.",
      "2. For any user with a Success from that address: disable console access and keys "
        .. "(IAM > Users > Security credentials) and investigate the session's calls.",
      "3. Make sure every listed user has MFA; force a password reset for them.",
      "4. Block the address at your edge; consider an IAM policy denying aws:SourceIp outside "
        .. "your ranges for console users.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=EventName,AttributeValue=ConsoleLogin --max-results 200",
      "aws iam list-users --query 'Users[].UserName'",
      "aws iam list-virtual-mfa-devices --assignment-status Unassigned",
      "aws iam update-login-profile --user-name <user> --password-reset-required",
    },
  },
  tests = {
    { name = "five users from one address in 20 minutes", fires = true, alerts = 1,
      events = spray(five, 300),
      alert = { severity = "high", source_ip = "203.0.113.50",
                context = { account = "111122223333",
                            distinct = { count = 5, window_seconds = 3600 } } } },
    { name = "ten users in 50 minutes: one alert (dedup)", fires = false, alerts = 1,
      events = spray({ "ana", "ben", "carla", "dmitri", "eve", "fay", "gus", "hal", "ida",
                       "jo" }, 300) },
    { name = "four users", fires = false, alerts = 0,
      events = spray({ "ana", "ben", "carla", "dmitri" }, 300) },
    { name = "one user five times is a burst, not a spray", fires = false, alerts = 0,
      events = spray({ "ana", "ana", "ana", "ana", "ana" }, 60) },
    { name = "five users over two hours", fires = false, alerts = 0,
      events = spray(five, 1800) },
    { name = "five users from different addresses", fires = false, alerts = 0,
      events = (function()
        local out = {}
        for i, name in ipairs(five) do
          out[i] = spray({ name }, 0, "198.51.100." .. i)[1]
        end
        return out
      end)() },
    { name = "made-up names count once", fires = false, alerts = 0,
      events = spray({ "HIDDEN_DUE_TO_SECURITY_REASONS", "HIDDEN_DUE_TO_SECURITY_REASONS",
                       "ana", "ben", "carla" }, 60) },
    { name = "successful sign-ins are not failures", fires = false, alerts = 0,
      events = spray(five, 60, nil, "Success") },
  },
}
