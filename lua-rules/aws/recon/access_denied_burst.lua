-- Reconnaissance: 20 or more calls by one principal refused for lack of
-- permission within 5 minutes.
--
-- Tools that test what a stolen key may do (enumerate-iam, Pacu, ScoutSuite
-- run with a weak key, Stratus discovery techniques) fire hundreds of calls
-- and most come back AccessDenied / UnauthorizedOperation. Threshold form
-- keyed by the actor, which is also how workers partition events, so the
-- count is exact with any number of workers. One alert per principal per
-- hour (dedup).
--
-- Quiet on purpose: AWS services acting for you (a service-linked role
-- probing what it may read), and console sessions: a person with narrow
-- rights browsing the console gets a dozen denied reads per page, which is
-- a permissions question, not an attack. Throttling and not-found errors
-- are not denials.
--
-- Fast path: a denial can come from any API, so `on` keys this rule on
-- errorCode (the values below), which the stage-1 scanner reads beside
-- eventName: records without one of them are dropped before they are parsed.
local aws = require "vigil.aws"

-- errorCode values that mean "not allowed" (IAM, EC2's Client. prefix,
-- service-specific spellings). Extend per site.
local denied = {
  AccessDenied = true,
  AccessDeniedException = true,
  ["Client.UnauthorizedOperation"] = true,
  UnauthorizedOperation = true,
  UnauthorizedAccess = true,
  AuthorizationError = true,
  AuthorizationErrorException = true,
  ["Client.AuthFailure"] = true,
  Forbidden = true,
}
local denied_codes = {}
for code in pairs(denied) do
  denied_codes[#denied_codes + 1] = code
end
table.sort(denied_codes)

-- Test events: n refused calls by `who`, `step` seconds apart from 10:00:00;
-- `extra` overrides fields (errorCode = false: the calls succeeded).
local function refused(n, step, who, extra)
  local out = {}
  local names = { "ListUsers", "DescribeInstances", "ListBuckets", "GetSecretValue",
                  "DescribeDBInstances", "ListFunctions20150331", "GetAccountSummary" }
  for i = 0, n - 1 do
    local s = i * step
    local ev = {
      eventSource = "iam.amazonaws.com", eventName = names[i % #names + 1],
      eventTime = string.format("2024-06-11T%02d:%02d:%02dZ", 10 + s // 3600, (s // 60) % 60,
                                s % 60),
      errorCode = (i % 2 == 0) and "AccessDenied" or "Client.UnauthorizedOperation",
      recipientAccountId = "111122223333", sourceIPAddress = "203.0.113.50",
      userAgent = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux",
      userIdentity = { type = "IAMUser", accountId = "111122223333",
                       userName = who, arn = "arn:aws:iam::111122223333:user/" .. who },
    }
    for k, v in pairs(extra or {}) do
      ev[k] = v
    end
    if ev.errorCode == false then
      ev.errorCode = nil -- a successful call
    end
    out[#out + 1] = ev
  end
  return out
end

rule {
  id = "aws.recon.access_denied_burst",
  title = "Burst of access-denied errors from one principal",
  severity = "medium",
  description = "One principal had 20 or more calls refused (AccessDenied, "
    .. "UnauthorizedOperation, ...) within 5 minutes.",
  tags = { "attack.t1580", "attack.t1087.004", "attack.discovery", "attack.t1069.003" },
  references = {
    "https://attack.mitre.org/techniques/T1580/",
    "https://github.com/andresriancho/enumerate-iam",
    "https://stratus-red-team.cloud/attack-techniques/AWS/",
  },
  on = { errorCode = denied_codes },
  when = function(e)
    local code = e.errorCode
    if code == nil or not denied[code] then
      return false
    end
    return not aws.is_aws_service(e) and not aws.is_console(e)
  end,
  threshold = { count = 20, window = "5m" },
  dedup = { window = "1h" },
  output = "{actor} had 20 or more calls refused within 5 minutes (last: {event_source} "
    .. "{event_name}, {error_code}) from {source_ip}",
  context = function(e) return { user_agent = e.userAgent } end,
  runbook = {
    about = "Many calls by one principal were refused for lack of permission in a short time. "
      .. "Legitimate software rarely does this: it is written for the permissions it has. "
      .. "A key or session trying APIs it may not call is usually someone mapping what a "
      .. "stolen credential can do. context.threshold has the count and window; duplicates "
      .. "counts further alerts folded in within the hour.",
    risks = {
      "Discovery: the principal's credentials are probably in someone else's hands; what "
        .. "succeeded in the same minutes is what they learned.",
      "Privilege escalation attempts often show up here first (iam:Attach*, iam:PassRole "
        .. "refused).",
      "Compliance: CIS AWS Foundations Benchmark v1.2.0 3.1 (alarm on unauthorized API "
        .. "calls), PCI DSS 10.2.4 (invalid logical access attempts), SOC 2 CC7.2.",
    },
    console = {
      "1. CloudTrail > Event history: filter on User name (or Access key) of the actor; look "
        .. "at the refused calls and, more important, at what succeeded.",
      "2. Ask the owner of the principal whether a tool or script of theirs ran then.",
      "3. If not: IAM > Users > the user > Security credentials: make the access key Inactive; "
        .. "for a role, revoke active sessions (Roles > the role > Revoke sessions).",
      "4. Check the source IP and user agent (context) against where the key should be used.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=AccessKeyId,AttributeValue=<access-key-id> --max-results 200",
      "aws iam update-access-key --user-name <user> --access-key-id <access-key-id> "
        .. "--status Inactive",
      "aws iam put-role-policy --role-name <role> --policy-name RevokeOlderSessions "
        .. "--policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":"
        .. "\"Deny\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"DateLessThan\":"
        .. "{\"aws:TokenIssueTime\":\"<now-as-2024-06-11T10:00:00Z>\"}}}]}'",
    },
  },
  tests = {
    { name = "20 refusals in 4 minutes", fires = true, alerts = 1,
      events = refused(20, 12, "ci-reader"),
      alert = { severity = "medium", actor = "arn:aws:iam::111122223333:user/ci-reader",
                context = { user_agent = "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux",
                            threshold = { count = 20, window_seconds = 300 } } } },
    { name = "19 refusals", fires = false, alerts = 0, events = refused(19, 12, "ci-reader") },
    { name = "20 refusals over 20 minutes", fires = false, alerts = 0,
      events = refused(20, 60, "ci-reader") },
    { name = "60 refusals in 12 minutes: one alert (dedup)", fires = false, alerts = 1,
      events = refused(60, 12, "ci-reader") },
    { name = "refusals split across principals", fires = false, alerts = 0,
      events = (function()
        local out = refused(10, 12, "ci-reader")
        for _, ev in ipairs(refused(10, 12, "backup-agent")) do out[#out + 1] = ev end
        return out
      end)() },
    { name = "throttling is not a denial", fires = false, alerts = 0,
      events = refused(25, 6, "ci-reader", { errorCode = "ThrottlingException" }) },
    { name = "successful calls do not count", fires = false, alerts = 0,
      events = refused(25, 6, "ci-reader", { errorCode = false }) },
    { name = "a console session browsing without rights", fires = false, alerts = 0,
      events = refused(25, 6, "ci-reader", { sessionCredentialFromConsole = "true" }) },
    { name = "an AWS service probing", fires = false, alerts = 0,
      events = refused(25, 6, "ci-reader",
                       { userIdentity = { type = "AWSService",
                                          invokedBy = "config.amazonaws.com" } }) },
  },
}
