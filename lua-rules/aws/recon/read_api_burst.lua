-- Reconnaissance: one principal calling 25 or more distinct List*,
-- Describe* or Get* APIs within 10 minutes.
--
-- Discovery tools walk the account service by service (ListUsers,
-- DescribeInstances, ListBuckets, GetAccountAuthorizationDetails, ...);
-- applications call the same few APIs over and over. Distinct form keyed by
-- the actor (exact with any number of workers, since workers partition by
-- actor), counting eventName values. One alert per principal per hour.
--
-- Counted: successful management reads only (what the caller learned);
-- refused ones are access_denied_burst's, data-event reads (object and item
-- contents) are collection rather than discovery. Quiet on purpose: AWS services and
-- service-linked roles (AWS Config, Security Hub, Access Analyzer read
-- everything by design), console sessions (one console page issues a dozen
-- Describe calls), and infrastructure-as-code tools (a Terraform plan reads
-- every resource it manages). Inventory and monitoring products that poll
-- many APIs with their own role will fire once an hour: add an exception
-- for their role in your local rules (override{}), as docs/rules.md shows.
--
-- Fast path: `on` keys this rule on eventName prefixes (List*, Describe*,
-- Get*), on calls that succeeded (errorCode = false) and on the quiet
-- callers above (on.unless), all read by the stage-1 scanner without
-- parsing, so writes, refused calls, Terraform, the console and AWS
-- services never reach Lua. What is left (most of it counted) pays a parse
-- and one short Lua call: lua-rules/aws/recon/README.md has the figures.
local net = require "vigil.net"
local unless = require "vigil.unless"

local apis = {
  "iam:ListUsers", "iam:ListRoles", "iam:ListPolicies", "iam:GetAccountSummary",
  "iam:ListGroups", "iam:GetAccountAuthorizationDetails", "s3:ListBuckets",
  "s3:GetBucketPolicy", "s3:GetBucketAcl", "ec2:DescribeInstances", "ec2:DescribeVpcs",
  "ec2:DescribeSecurityGroups", "ec2:DescribeSnapshots", "ec2:DescribeImages",
  "rds:DescribeDBInstances", "rds:DescribeDBSnapshots", "lambda:ListFunctions20150331",
  "secretsmanager:ListSecrets", "ssm:DescribeParameters", "kms:ListKeys", "kms:ListAliases",
  "sts:GetCallerIdentity", "cloudtrail:DescribeTrails", "guardduty:ListDetectors",
  "organizations:DescribeOrganization", "dynamodb:ListTables", "ecr:DescribeRepositories",
}

-- Test events: the first n APIs above (cycled), `step` seconds apart, by `who`;
-- `extra` overrides fields (errorCode, userAgent, userIdentity, ...).
local function reads(n, step, who, extra)
  local out = {}
  for i = 0, n - 1 do
    local s = i * step
    local svc, name = apis[i % #apis + 1]:match("^(%w+):(%w+)$")
    local ev = {
      eventSource = svc .. ".amazonaws.com", eventName = name, readOnly = true,
      eventTime = string.format("2024-06-11T%02d:%02d:%02dZ", 10 + s // 3600, (s // 60) % 60,
                                s % 60),
      recipientAccountId = "111122223333", sourceIPAddress = "203.0.113.50",
      userAgent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64 prompt/off",
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
  id = "aws.recon.read_api_burst",
  title = "Burst of distinct read APIs from one principal",
  severity = "low",
  description = "One principal successfully called 25 or more different List*, Describe* or "
    .. "Get* APIs within 10 minutes.",
  tags = { "attack.t1580", "attack.t1526", "attack.t1087.004", "attack.discovery" },
  references = {
    "https://attack.mitre.org/techniques/T1580/",
    "https://attack.mitre.org/techniques/T1526/",
    "https://github.com/RhinoSecurityLabs/pacu",
  },
  -- The callers that are quiet on purpose are skipped by `on.unless`, which
  -- the stage-1 scanner checks on the record's bytes: the events it skips
  -- (a Terraform plan, the console, AWS services) are never handed to Lua.
  -- They are the exclusions of aws.is_aws_service, aws.is_console,
  -- identity.is_service_linked and net.is_iac written as field values.
  on = {
    eventName = { "List*", "Describe*", "Get*" }, errorCode = false,
    unless = unless.of("iac", {
      userAgent = { "console.amazonaws.com", "signin.amazonaws.com", "*Console/*", "*Console,*" },
      sessionCredentialFromConsole = { "true", true },
      ["userIdentity.type"] = "AWSService",
      ["userIdentity.invokedBy"] = "*",
      ["userIdentity.sessionContext.sessionIssuer.arn"] = "*:role/aws-service-role/*",
      -- Data events (S3 GetObject, DynamoDB GetItem/GetRecords, ...) read
      -- contents, not what exists: collection, not discovery.
      managementEvent = false,
      eventCategory = "Data",
    }),
  },
  -- No condition left in Lua unless a site's net.iac_agent_patterns holds
  -- a pattern unless cannot say (vigil.unless.iac_exact).
  when = not unless.iac_exact() and function(e) return not net.is_iac(e) end or nil,
  distinct = { count = 25, window = "10m", field = "eventName" },
  dedup = { window = "1h" },
  output = "{actor} called 25 or more different read APIs within 10 minutes (last: "
    .. "{event_source} {event_name}) from {source_ip}",
  context = function(e) return { user_agent = e.userAgent } end,
  runbook = {
    about = "One principal read many different kinds of resources across services in a few "
      .. "minutes: the shape of account discovery (mapping users, roles, buckets, instances, "
      .. "secrets) by a person with the CLI or by a tool. context.distinct has the count and "
      .. "window. Low on its own; it matters most next to other alerts for the same actor.",
    risks = {
      "Discovery: the first stage of an intrusion with a stolen key; what follows is "
        .. "privilege escalation or data access aimed at what was found.",
      "Compliance: SOC 2 CC7.2 (monitoring for anomalies), NIST 800-53 SI-4.",
    },
    console = {
      "1. CloudTrail > Event history: filter on the actor; list the calls of the 10 minutes "
        .. "before the alert and what came after.",
      "2. Ask the owner of the principal whether they ran an inventory or audit tool.",
      "3. If not: deactivate the access key or revoke the role's sessions, then look for "
        .. "writes by the same actor (IAM, S3 policies, snapshots).",
      "4. If it is a known tool: add an exception for its principal in your local rules.",
    },
    cli = {
      "aws cloudtrail lookup-events --lookup-attributes "
        .. "AttributeKey=Username,AttributeValue=<user> --max-results 200",
      "aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive",
      "aws iam list-access-keys --user-name <user>",
    },
  },
  tests = {
    { name = "25 distinct reads in 5 minutes", fires = true, alerts = 1,
      events = reads(25, 12, "mallory"),
      alert = { severity = "low", actor = "arn:aws:iam::111122223333:user/mallory",
                context = { user_agent = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 "
                              .. "exe/x86_64 prompt/off",
                            distinct = { count = 25, window_seconds = 600 } } } },
    { name = "24 distinct reads", fires = false, alerts = 0, events = reads(24, 12, "mallory") },
    { name = "the same API 100 times", fires = false, alerts = 0,
      events = (function()
        local out = reads(100, 3, "app")
        for _, ev in ipairs(out) do ev.eventName = "DescribeInstances" end
        return out
      end)() },
    { name = "25 reads spread over an hour", fires = false, alerts = 0,
      events = reads(25, 150, "mallory") },
    { name = "refused reads are the denied burst's", fires = false, alerts = 0,
      events = reads(27, 12, "mallory", { errorCode = "AccessDenied" }) },
    { name = "console browsing", fires = false, alerts = 0,
      events = reads(27, 12, "mallory", { sessionCredentialFromConsole = "true" }) },
    { name = "a Terraform plan", fires = false, alerts = 0,
      events = reads(27, 12, "deployer",
                     { userAgent = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5" }) },
    { name = "AWS Config's service-linked role", fires = false, alerts = 0,
      events = reads(27, 12, "x", { userIdentity = {
        type = "AssumedRole", accountId = "111122223333",
        arn = "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/config",
        sessionContext = { sessionIssuer = { type = "Role",
          arn = "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/"
            .. "AWSServiceRoleForConfig" } } } }) },
    { name = "two principals, 15 each", fires = false, alerts = 0,
      events = (function()
        local out = reads(15, 12, "mallory")
        for _, ev in ipairs(reads(15, 12, "trent")) do out[#out + 1] = ev end
        return out
      end)() },
    { name = "54 reads in 11 minutes: one alert (dedup)", fires = false, alerts = 1,
      events = reads(54, 12, "mallory") },
    { name = "data-event reads (objects, items, stream records) are not discovery",
      fires = false, alerts = 0,
      events = (function()
        local out = reads(24, 12, "mallory")
        for i, name in ipairs({ "GetObject", "GetItem", "GetRecords" }) do
          local ev = reads(1, 0, "mallory")[1]
          ev.eventName, ev.eventCategory, ev.managementEvent = name, "Data", false
          ev.eventTime = string.format("2024-06-11T10:05:%02dZ", i)
          out[#out + 1] = ev
        end
        return out
      end)() },
    { name = "24 management reads and one more make 25", fires = true, alerts = 1,
      events = (function()
        local out = reads(24, 12, "mallory")
        local ev = reads(1, 0, "mallory")[1]
        ev.eventName, ev.eventSource = "GetBucketPolicyStatus", "s3.amazonaws.com"
        ev.eventTime, ev.managementEvent = "2024-06-11T10:05:01Z", true
        out[#out + 1] = ev
        return out
      end)() },
    { name = "writes do not count", fires = false, alerts = 0,
      events = (function()
        local out = reads(27, 12, "mallory")
        for i, ev in ipairs(out) do ev.eventName = "Put" .. i end
        return out
      end)() },
  },
}
