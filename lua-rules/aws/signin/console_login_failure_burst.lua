-- A burst of failed console sign-ins for one user: 5 within 10 minutes.
--
-- Threshold form keyed by the account and the user the sign-in was for
-- (the actor: the IAM user's ARN, "root", or the federated name). A failure
-- for a user name that does not exist is recorded as
-- HIDDEN_DUE_TO_SECURITY_REASONS; those are keyed by source IP instead, so
-- unrelated typos from different places do not add up to one burst. Every
-- failure counts: wrong password, and MFA-step failures (there the password
-- was right, which is worse). Successes do not reset the count: a guess that
-- finally works is still part of the burst. One alert per key per hour
-- (dedup), so a guessing run that goes on for hours is one alert an hour.
--
-- The key is the acting principal, which is also how vigil's workers
-- partition events, so the count is exact with any number of workers (the
-- hidden-user key is one principal too). Single failures stay the low
-- per-event rules' (console_login_failed, root_console_login_failed,
-- mfa_failed).
local aws = require "vigil.aws"
local identity = require "vigil.identity"

local HIDDEN = "HIDDEN_DUE_TO_SECURITY_REASONS"

local function who(e)
  local acct = aws.account(e) or "?"
  if e["userIdentity.userName"] == HIDDEN then
    return acct .. " unknown user from " .. tostring(e.sourceIPAddress)
  end
  return acct .. " " .. aws.actor(e)
end

-- Test events: n failures for `user` one `step` seconds apart from 10:00:00.
local function failures(n, step, user, ip, first)
  local out = {}
  for i = 0, n - 1 do
    local s = (first or 0) + i * step
    out[#out + 1] = {
      eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin",
      eventType = "AwsConsoleSignIn", recipientAccountId = "111122223333",
      eventTime = string.format("2024-06-11T%02d:%02d:%02dZ", 10 + s // 3600, (s // 60) % 60,
                                s % 60),
      sourceIPAddress = ip or "192.0.2.71",
      userIdentity = user == HIDDEN
        and { type = "IAMUser", accountId = "111122223333", userName = HIDDEN }
        or { type = "IAMUser", accountId = "111122223333", userName = user,
             arn = "arn:aws:iam::111122223333:user/" .. user },
      errorMessage = "Failed authentication",
      responseElements = { ConsoleLogin = "Failure" },
      additionalEventData = { MFAUsed = "No" },
    }
  end
  return out
end

local function concat(a, b)
  local out = {}
  for _, v in ipairs(a) do out[#out + 1] = v end
  for _, v in ipairs(b) do out[#out + 1] = v end
  return out
end

rule {
  id = "aws.signin.console_login_failure_burst",
  title = "Burst of failed console sign-ins for one user",
  severity = function(e) return aws.is_root(e) and "high" or "medium" end,
  description = "Five or more console sign-ins for the same user failed within 10 minutes.",
  tags = { "attack.t1110", "attack.t1110.001", "attack.credential_access" },
  references = {
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/"
      .. "cloudtrail-event-reference-aws-console-sign-in-events.html",
    "https://attack.mitre.org/techniques/T1110/001/",
  },
  on = { eventSource = "signin.amazonaws.com", eventName = "ConsoleLogin" },
  when = function(e) return identity.signin_result(e) == "Failure" end,
  threshold = { count = 5, window = "10m", key = who },
  dedup = { window = "1h", key = who },
  output = "Failed console sign-ins for {actor}: 5 or more within 10 minutes, the last from "
    .. "{source_ip}",
  context = function(e)
    return { unknown_user = e["userIdentity.userName"] == HIDDEN,
             mfa_step = identity.mfa_used(e) == "Yes" }
  end,
  runbook = {
    about = "ConsoleLogin records with responseElements.ConsoleLogin = Failure for one user "
      .. "(or, for user names that do not exist, from one address) reached 5 within 10 "
      .. "minutes. AWS does not lock IAM users out, so guessing can go on indefinitely. "
      .. "context.threshold gives the count and window; duplicates the alerts folded into "
      .. "this one within the hour.",
    risks = {
      "Credential access: password guessing against the user; a success after the burst "
        .. "means the account is likely taken over.",
      "mfa_step = true: the failures were at the MFA step, so the password is already known.",
      "Compliance: CIS AWS Foundations Benchmark v1.2.0 3.6 (alarm on console authentication "
        .. "failures), PCI DSS 8.3.4 (lock out after repeated failed attempts: AWS does not, "
        .. "so you must detect), SOC 2 CC6.1.",
    },
    console = {
      "1. CloudTrail > Event history: Event name = ConsoleLogin, User name = the user: check "
        .. "the source IPs and whether a Success follows the failures.",
      "2. If a success follows from an unknown address: IAM > Users > the user > Security "
        .. "credentials: Manage console access > Disable, and deactivate access keys.",
      "3. Make sure the user has MFA (Assign MFA device) and a strong password; reset it.",
      "4. Block the source addresses at your network edge or with an IAM policy condition "
        .. "aws:SourceIp where you can.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --max-results 50",
      "aws iam list-mfa-devices --user-name <user>",
      "aws iam delete-login-profile --user-name <user>",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
    },
  },
  tests = {
    { name = "5 failures in 4 minutes", fires = true, alerts = 1,
      events = failures(5, 60, "carol"),
      alert = { severity = "medium", actor = "arn:aws:iam::111122223333:user/carol",
                context = { unknown_user = false, mfa_step = false,
                            threshold = { count = 5, window_seconds = 600 } } } },
    { name = "4 failures are not a burst", fires = false, alerts = 0,
      events = failures(4, 60, "carol") },
    { name = "5 failures spread over 20 minutes", fires = false, alerts = 0,
      events = failures(5, 300, "carol") },
    { name = "failures split across users", fires = false, alerts = 0,
      events = concat(failures(3, 60, "carol"), failures(2, 60, "dave", nil, 200)) },
    { name = "20 failures in 20 minutes: one alert (dedup)", fires = false, alerts = 1,
      events = failures(20, 60, "carol") },
    { name = "unknown user names from two addresses do not add up", fires = false, alerts = 0,
      events = concat(failures(3, 60, HIDDEN, "192.0.2.71"),
                      failures(3, 60, HIDDEN, "198.51.100.9", 30)) },
    { name = "unknown user names from one address", fires = true, alerts = 1,
      events = failures(5, 30, HIDDEN, "192.0.2.71"),
      alert = { context = { unknown_user = true, mfa_step = false,
                            threshold = { count = 5, window_seconds = 600 } } } },
    { name = "successful sign-ins do not count", fires = false,
      events = { "samples/console_login_user_mfa.json", "samples/console_login_user_mfa.json",
                 "samples/console_login_user_mfa.json", "samples/console_login_user_mfa.json",
                 "samples/console_login_user_mfa.json" } },
  },
}
